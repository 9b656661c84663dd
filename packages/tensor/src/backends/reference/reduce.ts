import type { ReduceOp } from '../../backend.js';
import { stridesOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { forEachRow } from './rows.js';

/**
 * Reduces x over `axes` into out (x's shape with those axes set to 1). The output is read
 * through strides that are 0 along reduced axes, so every element of x lands in its slot.
 * Sums accumulate in float64. NaN propagates through max and min.
 */
export function reduce(op: ReduceOp, x: Tensor, axes: readonly number[], out: Tensor): void {
  const shape = x.shape;
  const reduced = shape.map((_, i) => axes.includes(i));
  const keptShape = shape.map((d, i) => (reduced[i] ? 1 : d));
  const outStrides = stridesOf(keptShape).map((s, i) => (reduced[i] ? 0 : s));
  const init = op === 'max' ? -Infinity : op === 'min' ? Infinity : 0;
  const acc = new Float64Array(out.size).fill(init);
  const xd = x.data;
  forEachRow(shape, [stridesOf(shape), outStrides], (off, n, step) => {
    const xo = off[0];
    const ao = off[1];
    const as = step[1];
    switch (op) {
      case 'sum':
      case 'mean':
        for (let j = 0; j < n; j++) acc[ao + j * as] += xd[xo + j];
        return;
      case 'max':
        for (let j = 0; j < n; j++) acc[ao + j * as] = Math.max(acc[ao + j * as], xd[xo + j]);
        return;
      case 'min':
        for (let j = 0; j < n; j++) acc[ao + j * as] = Math.min(acc[ao + j * as], xd[xo + j]);
        return;
      default:
        throw new Error(`reference.reduce: unknown op '${op as string}'`);
    }
  });
  if (op === 'mean') {
    let count = 1;
    for (const a of axes) count *= shape[a];
    for (let i = 0; i < acc.length; i++) acc[i] /= count;
  }
  out.data.set(acc);
}

/**
 * Index of the maximum along `axis`, first one on ties. A NaN counts as the maximum (the first
 * NaN wins), as in NumPy, so that argmax points at the value that max reports.
 */
export function argmax(x: Tensor, axis: number, out: Tensor): void {
  const shape = x.shape;
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const n = shape[axis];
  const xd = x.data;
  const o = out.data;
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const base = a * n * inner + b;
      let best = 0;
      let bestValue = xd[base];
      for (let k = 1; k < n && !Number.isNaN(bestValue); k++) {
        const v = xd[base + k * inner];
        if (v > bestValue || Number.isNaN(v)) {
          best = k;
          bestValue = v;
        }
      }
      o[a * inner + b] = best;
    }
  }
}
