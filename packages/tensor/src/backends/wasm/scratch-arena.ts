import type { HeapAllocator } from '../../memory.js';

const ALIGN = 64;

/**
 * Kernel scratch (GEMM packing, im2col blocks, copies of inputs that live outside wasm memory):
 * one arena in the wasm heap, taken from the top like a stack during a kernel call and given
 * back at its end. The arena is allocated once and only replaced by a larger one when a call
 * needed more than it holds, so after the first training step no call allocates.
 *
 * A call that outgrows the arena gets extra blocks from the heap for its duration; when the
 * outermost call releases, they are freed and the arena grows to the call's total demand.
 */
export class ScratchArena {
  private base = 0;
  private capacity = 0;
  /** Bytes taken by the calls in progress. */
  private top = 0;
  /** The most bytes any call has needed (what the arena should hold). */
  private demand = 0;
  private readonly overflow: { ptr: number; bytes: number }[] = [];

  constructor(private readonly heap: HeapAllocator) {}

  /** A position to `release` back to. */
  mark(): number {
    return this.top;
  }

  /** Reserves `bytes` (64-byte aligned) until the matching `release`; returns the address. */
  take(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    const start = this.top;
    this.top += size;
    if (this.top > this.demand) this.demand = this.top;
    if (this.top <= this.capacity) return this.base + start;
    const ptr = this.heap.allocateBytes(size);
    this.overflow.push({ ptr, bytes: size });
    return ptr;
  }

  /** Gives back everything taken since `mark`. */
  release(mark: number): void {
    this.top = mark;
    if (mark !== 0 || this.overflow.length === 0) return;
    for (const { ptr, bytes } of this.overflow) this.heap.freeBytes(ptr, bytes);
    this.overflow.length = 0;
    if (this.capacity > 0) this.heap.freeBytes(this.base, this.capacity);
    this.capacity = Math.ceil(this.demand / ALIGN) * ALIGN;
    this.base = this.heap.allocateBytes(this.capacity);
  }

  /** `n` i32 of arena memory at `ptr`, as a view. */
  view(ptr: number, n: number): Int32Array {
    return new Int32Array(this.heap.memory.buffer as ArrayBuffer, ptr, n);
  }

  /** Bytes the arena holds. */
  get bytes(): number {
    return this.capacity;
  }
}
