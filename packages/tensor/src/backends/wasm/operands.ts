import type { Backend } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import type { Kernels, WasmRuntime } from './kernels.js';
import type { ScratchArena } from './scratch-arena.js';
import type { WinogradWeightCache } from './winograd-weights.js';

/** What every kernel wrapper needs: the kernels, the memory, scratch, and the fallbacks. */
export interface WasmContext {
  readonly runtime: WasmRuntime;
  readonly kernels: Kernels;
  readonly arena: ScratchArena;
  /** The Winograd-transformed weights of convolutions called again with the same weights. */
  readonly winogradWeights: WinogradWeightCache;
  /** The reference backend, for the rare data-movement kernels that are not worth wasm code. */
  readonly reference: Backend;
}

/**
 * Byte addresses of the tensors a kernel call works on. A float32 tensor in wasm memory is used
 * in place. Anything else (a reference-backend tensor in a JS array, or float64) is copied into
 * the scratch arena for the duration of the call; an output of that kind is computed there and
 * copied back by `finish`.
 */
export class Operands {
  private readonly mark: number;
  private readonly copies = new Map<Tensor, number>();
  private readonly outputs: Tensor[] = [];

  constructor(private readonly ctx: WasmContext) {
    this.mark = ctx.arena.mark();
  }

  /** Address of an input (0 for null, which kernels read as "absent"). */
  in(t: Tensor | null): number {
    if (t === null) return 0;
    if (t.ptr >= 0 && t.dtype === 'float32') return t.ptr;
    let ptr = this.copies.get(t);
    if (ptr === undefined) {
      ptr = this.ctx.arena.take(t.size * 4);
      this.view(ptr, t.size).set(t.data);
      this.copies.set(t, ptr);
    }
    return ptr;
  }

  /**
   * Address of an output (0 for null). `reads` says the kernel also reads its current contents
   * (accumulation, beta ≠ 0, in place), which must then be copied in as well.
   */
  out(t: Tensor | null, reads = false): number {
    if (t === null) return 0;
    if (t.ptr >= 0 && t.dtype === 'float32') return t.ptr;
    const ptr = reads ? this.in(t) : (this.copies.get(t) ?? this.ctx.arena.take(t.size * 4));
    this.copies.set(t, ptr);
    this.outputs.push(t);
    return ptr;
  }

  /** ScratchArena holding `values` as f32 or i32 (a scalar operand, a convolution's geometry). */
  scratch(values: ArrayLike<number>, type: 'f32' | 'i32' = 'f32'): number {
    const ptr = this.ctx.arena.take(values.length * 4);
    const buffer = this.ctx.runtime.memory.buffer as ArrayBuffer;
    (type === 'f32' ? new Float32Array(buffer, ptr, values.length) : new Int32Array(buffer, ptr, values.length)).set(
      values,
    );
    return ptr;
  }

  /** Copies foreign outputs back and returns the scratch to the arena. */
  finish(): void {
    for (const t of this.outputs) t.data.set(this.view(this.copies.get(t)!, t.size));
    this.ctx.arena.release(this.mark);
  }

  /** Returns the scratch to the arena without copying anything back (the call failed). */
  abandon(): void {
    this.ctx.arena.release(this.mark);
  }

  private view(ptr: number, n: number): Float32Array {
    return new Float32Array(this.ctx.runtime.memory.buffer as ArrayBuffer, ptr, n);
  }
}

/**
 * Runs one kernel call with its operands: `fn` gets an `Operands`, and the scratch arena is always
 * returned, even when the call throws.
 */
export function withOperands<T>(ctx: WasmContext, fn: (io: Operands) => T): T {
  const io = new Operands(ctx);
  let ok = false;
  try {
    const result = fn(io);
    ok = true;
    return result;
  } finally {
    if (ok) io.finish();
    else io.abandon();
  }
}
