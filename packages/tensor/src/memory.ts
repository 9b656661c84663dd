import { arrayConstructor, bytesPerElement, type DataArray, type DType } from './dtype.js';
import type { WasmMemory } from './webassembly-api.js';

/**
 * How funt owns memory
 * --------------------
 * A `Storage` is one block of elements. Tensors are windows onto a storage (a reshape or a
 * first-axis slice shares it), and a storage counts the live tensors that use it. A tensor is
 * released by `dispose()` (or by `tidy`, which disposes everything created inside it except
 * what it returns); when the last tensor of a storage is released the block goes back to its
 * allocator, which hands it to the next request of the same size class. Modules keep their
 * output and gradient tensors across iterations, so a training step reuses the same blocks.
 *
 * Forgotten tensors are caught by a safety net: a FinalizationRegistry releases the tensor's
 * share of its storage once the garbage collector has collected it. The net is slow (the GC
 * does not see WebAssembly memory pressure), so loops should dispose explicitly.
 */
export interface Storage {
  readonly dtype: DType;
  /** Number of elements. */
  readonly length: number;
  /** The elements. For WebAssembly storage this is a view onto the shared linear memory. */
  readonly data: DataArray;
  /** Byte address inside WebAssembly memory, or -1 for storage in the JavaScript heap. */
  readonly ptr: number;
  /** Live tensors using this storage. */
  refs: number;
  /** Returns the block to its allocator; called when `refs` reaches 0. */
  free(): void;
}

/** Hands out storage for a backend's tensors (`Backend.allocator`). */
export interface Allocator {
  /** A new block of `length` elements of `dtype`, with `refs` 0 and unspecified contents. */
  allocate(length: number, dtype: DType): Storage;
}

/** Storage in ordinary typed arrays, freed by the garbage collector. */
export class JsAllocator implements Allocator {
  /** A new zeroed typed array of `length` elements of `dtype`. */
  allocate(length: number, dtype: DType): Storage {
    const data = new (arrayConstructor(dtype))(length);
    return { dtype, length, data, ptr: -1, refs: 0, free() {} };
  }
}

/** A snapshot of a `HeapAllocator`, in bytes and blocks (block sizes rounded up to their size class). */
export interface HeapStats {
  /** Bytes in blocks handed out and not yet freed. */
  bytesInUse: number;
  /** Blocks handed out and not yet freed. */
  blocksInUse: number;
  /** Bytes held in free lists, ready for reuse. */
  bytesCached: number;
  /** Size of the linear memory in bytes. */
  memoryBytes: number;
}

const ALIGN = 64; // one cache line: SIMD loads never straddle lines at block starts
const PAGE = 65536;

/**
 * Rounds a request up to its size class: 64-byte steps up to 1 KiB, then 8 classes per power
 * of two, so a freed block serves any later request of the same class and waste stays ≤ 12.5%.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const exp = Math.floor(Math.log2(bytes));
  const step = 2 ** (exp - 3);
  return Math.ceil(bytes / step) * step;
}

/**
 * A size-class allocator over a WebAssembly memory. Blocks are never split or merged: training
 * allocates the same shapes every step, so exact reuse keeps memory flat without fragmentation.
 */
export class HeapAllocator implements Allocator {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  private inUse = 0;
  private blocks = 0;
  private cached = 0;

  constructor(
    readonly memory: WasmMemory,
    heapBase: number,
  ) {
    this.top = Math.ceil(heapBase / ALIGN) * ALIGN;
  }

  /** Reserves raw bytes and returns their address (also used for the wasm kernels' scratch arena). */
  allocateBytes(bytes: number): number {
    const cls = sizeClass(Math.max(1, bytes));
    const list = this.freeLists.get(cls);
    let ptr: number;
    if (list && list.length > 0) {
      ptr = list.pop()!;
      this.cached -= cls;
    } else {
      ptr = this.top;
      const end = ptr + cls;
      if (end > 2 ** 32) throw new RangeError(`HeapAllocator: out of WebAssembly memory allocating ${bytes} bytes`);
      const have = this.memory.buffer.byteLength;
      if (end > have) {
        // Grow by at least 1/8 of the current size so that growth happens rarely.
        const need = Math.ceil((end - have) / PAGE);
        const pages = Math.max(need, Math.ceil(have / PAGE / 8));
        try {
          this.memory.grow(pages);
        } catch {
          try {
            this.memory.grow(need);
          } catch (e) {
            throw new RangeError(
              `HeapAllocator: out of WebAssembly memory allocating ${bytes} bytes: the memory holds ${have} bytes and cannot grow (${(e as Error).message})`,
            );
          }
        }
      }
      this.top = end;
    }
    this.inUse += cls;
    this.blocks++;
    return ptr;
  }

  /**
   * Returns a block from `allocateBytes` (same `bytes`) to the free list of its size class; the linear
   * memory does not shrink.
   */
  freeBytes(ptr: number, bytes: number): void {
    const cls = sizeClass(Math.max(1, bytes));
    let list = this.freeLists.get(cls);
    if (!list) this.freeLists.set(cls, (list = []));
    list.push(ptr);
    this.inUse -= cls;
    this.blocks--;
    this.cached += cls;
  }

  /**
   * A block of `length` elements in the linear memory: a freed block of the same size class when
   * there is one, else a new one at the top (growing the memory as needed). Contents are unspecified.
   */
  allocate(length: number, dtype: DType): Storage {
    const bpe = bytesPerElement(dtype);
    const bytes = length * bpe;
    const ptr = this.allocateBytes(bytes);
    const data = new (arrayConstructor(dtype))(this.memory.buffer as ArrayBuffer, ptr, length);
    const heap = this;
    let freed = false;
    return {
      dtype,
      length,
      data,
      ptr,
      refs: 0,
      free() {
        if (freed) return;
        freed = true;
        heap.freeBytes(ptr, bytes);
      },
    };
  }

  /** Current usage: bytes and blocks in use, bytes cached for reuse, and the size of the linear memory. */
  stats(): HeapStats {
    return {
      bytesInUse: this.inUse,
      blocksInUse: this.blocks,
      bytesCached: this.cached,
      memoryBytes: this.memory.buffer.byteLength,
    };
  }
}
