import type { HeapAllocator } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import type { Kernels } from './kernels.js';

/**
 * At most this many bytes of transformed weights are kept: a CIFAR ResNet-20's all (17 MiB; U is
 * 16× the weights: 36 products per 9 taps, each value a 4-lane splat), a ResNet-56's first two
 * stages and part of the third.
 */
const DEFAULT_BUDGET_BYTES = 32 << 20;

interface Entry {
  /** The weight tensor last seen at this address, held weakly: the cache never keeps a model alive. */
  tensor: WeakRef<Tensor>;
  /** A copy of the weights the entry describes (heap block of `floats` f32). */
  copy: number;
  floats: number;
  /** The transformed weights of `copy`, or 0 while they have been seen only once. */
  u: number;
  uBytes: number;
}

/**
 * The Winograd-transformed weights U of the convolutions whose weights do not change between
 * calls: an evaluation pass computes U once per layer instead of once per batch (the transform
 * is 2–4% of a ResNet-20 inference pass, and it is mostly too short to split over threads).
 *
 * Entries are keyed by the weights' address and the transform (direction, tile size, shape) and
 * hold a copy of the weights: a call whose weights are bit for bit the copy reuses U, any other
 * call transforms as before and refreshes the copy. U is kept only when the same weights come a
 * second time, so a training step, whose weights change every step, keeps none (it only copies
 * and compares the weights, a few microseconds per layer). The result is the same bits either
 * way: U is computed by the same kernel from the same weights. Entries of disposed or collected
 * weight tensors are released when the next entry or U is made, and U is kept only while the
 * total stays within a budget.
 */
export class WinogradWeightCache {
  private readonly entries = new Map<string, Entry>();
  private heldBytes = 0;

  constructor(
    private readonly heap: HeapAllocator,
    private readonly kernels: Kernels,
    private readonly budgetBytes = DEFAULT_BUDGET_BYTES,
  ) {}

  /**
   * The address of U for weights `w` (at `ptr` in wasm memory) under the transform `variant`:
   * the cached U, or one `transform(u)` writes into a new cached block, or into `scratch()`
   * when U is not (yet) cached.
   */
  weights(
    w: Tensor,
    ptr: number,
    variant: string,
    uBytes: number,
    transform: (u: number) => void,
    scratch: () => number,
  ): number {
    const key = `${variant}@${ptr}`;
    const floats = w.size;
    let entry = this.entries.get(key);
    if (entry !== undefined && (entry.floats !== floats || entry.uBytes !== uBytes)) {
      this.release(key, entry);
      entry = undefined;
    }
    if (entry !== undefined && this.kernels.sameBits(entry.copy, ptr, floats) === 1) {
      if (entry.tensor.deref() !== w) entry.tensor = new WeakRef(w);
      if (entry.u !== 0) return entry.u;
      this.sweep();
      if (this.heldBytes + uBytes <= this.budgetBytes) {
        entry.u = this.heap.allocateBytes(uBytes);
        this.heldBytes += uBytes;
        transform(entry.u);
        return entry.u;
      }
    } else if (entry !== undefined) {
      // New weights at this address: forget U, remember these.
      this.dropU(entry);
      entry.tensor = new WeakRef(w);
      this.kernels.copy(ptr, entry.copy, floats);
    } else {
      this.sweep();
      const copy = this.heap.allocateBytes(floats * 4);
      this.kernels.copy(ptr, copy, floats);
      this.entries.set(key, { tensor: new WeakRef(w), copy, floats, u: 0, uBytes });
    }
    const u = scratch();
    transform(u);
    return u;
  }

  /** Bytes of transformed weights held. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Releases everything (the heap blocks go back to the allocator). */
  clear(): void {
    for (const [key, entry] of this.entries) this.release(key, entry);
  }

  /** Releases the entries whose weight tensor was disposed or collected. */
  private sweep(): void {
    for (const [key, entry] of this.entries) {
      const t = entry.tensor.deref();
      if (t === undefined || t.isDisposed) this.release(key, entry);
    }
  }

  private release(key: string, entry: Entry): void {
    this.dropU(entry);
    this.heap.freeBytes(entry.copy, entry.floats * 4);
    this.entries.delete(key);
  }

  private dropU(entry: Entry): void {
    if (entry.u === 0) return;
    this.heap.freeBytes(entry.u, entry.uBytes);
    this.heldBytes -= entry.uBytes;
    entry.u = 0;
  }
}
