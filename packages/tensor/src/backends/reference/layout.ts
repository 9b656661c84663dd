import type { PadMode } from '../../backend.js';
import type { DataArray } from '../../dtype.js';
import { stridesOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { accumulatorFor } from './accumulator.js';
import { forEachRow } from './rows.js';

/** Copies that move elements around: permute, concat, pad and pad's gradient. */

/** out.shape[i] = x.shape[perm[i]]: walk out in order, reading x through permuted strides. */
export function permute(x: Tensor, perm: readonly number[], out: Tensor): void {
  const xStrides = stridesOf(x.shape);
  const readStrides = perm.map((p) => xStrides[p]);
  const xd = x.data;
  const o = out.data;
  forEachRow(out.shape, [readStrides, stridesOf(out.shape)], (off, n, step) => {
    const xo = off[0];
    const xs = step[0];
    const oo = off[1];
    for (let j = 0; j < n; j++) o[oo + j] = xd[xo + j * xs];
  });
}

/** Each input contributes one contiguous chunk of `x.shape[axis] * inner` per outer index. */
export function concat(xs: readonly Tensor[], axis: number, out: Tensor): void {
  const shape = out.shape;
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const outChunk = shape[axis] * inner;
  const o = out.data;
  let offset = 0;
  for (const x of xs) {
    const chunk = x.shape[axis] * inner;
    const xd = x.data;
    for (let k = 0; k < outer; k++) o.set(xd.subarray(k * chunk, (k + 1) * chunk), k * outChunk + offset);
    offset += chunk;
  }
}

/**
 * For one axis of input size `size` padded by [before, after]: the input index each output
 * index reads, or -1 where the padding value goes. Reflect mirrors without repeating the edge
 * (NumPy 'reflect', Torch ReflectionPad); replicate repeats the edge.
 */
export function padSourceIndex(size: number, before: number, after: number, mode: PadMode): Int32Array {
  const table = new Int32Array(before + size + after);
  for (let o = 0; o < table.length; o++) {
    const i = o - before;
    if (i >= 0 && i < size) table[o] = i;
    else if (mode === 'reflect') table[o] = i < 0 ? -i : 2 * (size - 1) - i;
    else if (mode === 'replicate') table[o] = i < 0 ? 0 : size - 1;
    else table[o] = -1;
  }
  return table;
}

/**
 * Walks every output row of a pad, resolving source indices axis by axis. Forward copies
 * x[source] (or `value`) into out; backward adds each out element into dx[source], which is
 * exactly the adjoint. `inside` turns false once any axis lands in constant padding.
 */
function walkPad(
  xShape: readonly number[],
  pads: readonly (readonly [number, number])[],
  mode: PadMode,
  src: DataArray | Float64Array,
  dst: DataArray | Float64Array,
  value: number,
  backward: boolean,
): void {
  const rank = xShape.length;
  if (rank === 0) {
    if (backward) dst[0] += src[0];
    else dst[0] = src[0];
    return;
  }
  const tables = xShape.map((d, i) => padSourceIndex(d, pads[i][0], pads[i][1], mode));
  const xStrides = stridesOf(xShape);
  const outStrides = stridesOf(tables.map((t) => t.length));
  const last = rank - 1;
  const visit = (axis: number, xOff: number, oOff: number, inside: boolean): void => {
    const t = tables[axis];
    if (axis === last) {
      if (backward) {
        // src is dy (padded shape), dst is the dx accumulator.
        if (!inside) return;
        for (let j = 0; j < t.length; j++) if (t[j] >= 0) dst[xOff + t[j]] += src[oOff + j];
      } else {
        for (let j = 0; j < t.length; j++) dst[oOff + j] = inside && t[j] >= 0 ? src[xOff + t[j]] : value;
      }
      return;
    }
    for (let j = 0; j < t.length; j++) {
      const s = t[j];
      visit(axis + 1, xOff + Math.max(s, 0) * xStrides[axis], oOff + j * outStrides[axis], inside && s >= 0);
    }
  };
  if (tables.some((t) => t.length === 0)) return;
  visit(0, 0, 0, true);
}

/** Pads every axis; 'zero' pads with 0 whatever `value` is, 'constant' with `value`. */
export function pad(
  x: Tensor,
  pads: readonly (readonly [number, number])[],
  mode: PadMode,
  value: number,
  out: Tensor,
): void {
  walkPad(x.shape, pads, mode, x.data, out.data, mode === 'zero' ? 0 : value, false);
}

export function padBackward(dy: Tensor, pads: readonly (readonly [number, number])[], mode: PadMode, dx: Tensor): void {
  const { acc, commit } = accumulatorFor(dx);
  walkPad(dx.shape, pads, mode, dy.data, acc, 0, true);
  commit();
}
