import type { ReduceOp } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { type WasmContext, withOperands } from './operands.js';
import { elements, parallelSlices } from './threads/parallel.js';

const CODES: Record<ReduceOp, number> = { sum: 0, mean: 0, max: 1, min: 2 };

function product(dims: readonly number[], from = 0, to = dims.length): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= dims[i];
  return p;
}

/**
 * The reduced axes as maximal runs of adjacent axes. An axis of size 1 may join either side
 * (reducing over it changes nothing), so [0, 2] of [N, 1, H] is the single run 0..2.
 */
export function reductionRuns(shape: readonly number[], axes: readonly number[]): [number, number][] {
  const reduced = shape.map((d, i) => axes.includes(i) || d === 1);
  const runs: [number, number][] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!reduced[i]) continue;
    const start = i;
    while (i + 1 < shape.length && reduced[i + 1]) i++;
    // A run made only of size-1 axes that were not asked for reduces nothing.
    let asked = false;
    for (let j = start; j <= i; j++) if (axes.includes(j)) asked = true;
    if (asked) runs.push([start, i + 1]);
  }
  return runs;
}

/**
 * Reduces x over `axes` into out. Each run of adjacent axes is one wasm pass over x viewed as
 * [outer, mid, inner]; several runs (e.g. axes 0, 2, 3 of NCHW) chain passes through the
 * scratch arena, last run first. A mean is a sum scaled once, in the final pass.
 */
export function reduce(ctx: WasmContext, op: ReduceOp, x: Tensor, axes: readonly number[], out: Tensor): void {
  const code = CODES[op];
  if (code === undefined) throw new Error(`wasm.reduce: unknown op '${op as string}'`);
  if (out.size === 0) return;
  const count = product(axes.map((a) => x.shape[a]));
  if (x.size === 0) {
    // Empty reduction: the identity of the op (a mean of nothing is NaN).
    out.data.fill(op === 'sum' ? 0 : op === 'mean' ? NaN : op === 'max' ? -Infinity : Infinity);
    return;
  }
  const runs = reductionRuns(x.shape, axes);
  withOperands(ctx, (io) => {
    let src = io.in(x);
    if (runs.length === 0) {
      ctx.kernels.copy(src, io.out(out), out.size);
      return;
    }
    const shape = [...x.shape];
    for (let r = runs.length - 1; r >= 0; r--) {
      const [start, end] = runs[r];
      const outer = product(shape, 0, start);
      const mid = product(shape, start, end);
      const inner = product(shape, end);
      const last = r === 0;
      const dst = last ? io.out(out) : ctx.arena.take(outer * inner * 4);
      // Split over the outer axis: each unit reads a [mid, inner] block and writes an inner row.
      const args = [code, src, dst, outer, mid, inner, last && op === 'mean' ? 1 / count : 1];
      parallelSlices(ctx.kernels, ctx.arena, 'reduce', args, [0, mid * inner * 4, inner * 4, 0, 0, 0, 0], 3, outer, {
        work: elements(outer * mid * inner),
      });
      for (let i = start; i < end; i++) shape[i] = 1;
      src = dst;
    }
  });
}

/** Index of the maximum along `axis` (first on ties, first NaN wins). */
export function argmax(ctx: WasmContext, x: Tensor, axis: number, out: Tensor): void {
  const mid = x.shape[axis];
  if (out.size === 0 || mid === 0) return;
  withOperands(ctx, (io) =>
    ctx.kernels.argmax(io.in(x), io.out(out), product(x.shape, 0, axis), mid, product(x.shape, axis + 1)),
  );
}
