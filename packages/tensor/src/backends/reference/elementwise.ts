import type { BinaryOp, UnaryOp } from '../../backend.js';
import type { DataArray } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { broadcastStrides, forEachRow } from './rows.js';

/** Elementwise kernels: fill, copy, unary and broadcasting binary ops, threshold, axpby. */

export function fill(out: Tensor, value: number): void {
  out.data.fill(value);
}

export function copy(src: Tensor, dst: Tensor): void {
  dst.data.set(src.data);
}

/** out = op(x); in place is fine because element i is read before it is written. */
export function unary(op: UnaryOp, x: Tensor, out: Tensor): void {
  const a = x.data;
  const o = out.data;
  const n = out.size;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) o[i] = -a[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) o[i] = Math.log(a[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]);
      return;
    // Written as a threshold so that relu(NaN) = 0, like Torch's Threshold(0, 0).
    case 'relu':
      for (let i = 0; i < n; i++) o[i] = a[i] > 0 ? a[i] : 0;
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) o[i] = 1 / (1 + Math.exp(-a[i]));
      return;
    case 'square':
      for (let i = 0; i < n; i++) o[i] = a[i] * a[i];
      return;
    case 'sign':
      for (let i = 0; i < n; i++) o[i] = Math.sign(a[i]);
      return;
    default:
      throw new Error(`reference.unary: unknown op '${op as string}'`);
  }
}

/**
 * out = a op b with NumPy broadcasting. A number operand is read as a one-element array with
 * stride 0, so every combination goes through the same row loop. With `relu` the stored result
 * is then rectified, as threshold(out, 0, 0) would.
 */
export function binary(op: BinaryOp, a: Tensor | number, b: Tensor | number, out: Tensor, relu = false): void {
  const shape = out.shape;
  const ad = typeof a === 'number' ? new Float64Array([a]) : a.data;
  const bd = typeof b === 'number' ? new Float64Array([b]) : b.data;
  const as = typeof a === 'number' ? new Array<number>(shape.length).fill(0) : broadcastStrides(a.shape, shape);
  const bs = typeof b === 'number' ? new Array<number>(shape.length).fill(0) : broadcastStrides(b.shape, shape);
  const os = broadcastStrides(shape, shape);
  const o = out.data;
  forEachRow(shape, [as, bs, os], (off, n, step) =>
    binaryRow(op, ad, off[0], step[0], bd, off[1], step[1], o, off[2], n),
  );
  if (relu) threshold(out, 0, 0, out);
}

/** One row of a binary op; the switch runs once per row, not per element. */
function binaryRow(
  op: BinaryOp,
  a: DataArray,
  ia: number,
  sa: number,
  b: DataArray,
  ib: number,
  sb: number,
  o: DataArray,
  io: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa] + b[ib + j * sb];
      return;
    case 'sub':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa] - b[ib + j * sb];
      return;
    case 'mul':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa] * b[ib + j * sb];
      return;
    case 'div':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa] / b[ib + j * sb];
      return;
    // Math.max/min propagate NaN, as NumPy's maximum/minimum do.
    case 'max':
      for (let j = 0; j < n; j++) o[io + j] = Math.max(a[ia + j * sa], b[ib + j * sb]);
      return;
    case 'min':
      for (let j = 0; j < n; j++) o[io + j] = Math.min(a[ia + j * sa], b[ib + j * sb]);
      return;
    case 'pow':
      for (let j = 0; j < n; j++) o[io + j] = a[ia + j * sa] ** b[ib + j * sb];
      return;
    default:
      throw new Error(`reference.binary: unknown op '${op as string}'`);
  }
}

/** out = x > threshold ? x : value (Torch's Threshold). */
export function threshold(x: Tensor, th: number, value: number, out: Tensor): void {
  const a = x.data;
  const o = out.data;
  for (let i = 0; i < out.size; i++) o[i] = a[i] > th ? a[i] : value;
}

/** dx = x > threshold ? dy : 0. */
export function thresholdBackward(x: Tensor, dy: Tensor, th: number, dx: Tensor): void {
  const a = x.data;
  const g = dy.data;
  const o = dx.data;
  for (let i = 0; i < dx.size; i++) o[i] = a[i] > th ? g[i] : 0;
}

/** out = beta * out + alpha * x; with beta = 0 the old contents of out are not read (BLAS). */
export function axpby(alpha: number, x: Tensor, beta: number, out: Tensor): void {
  const a = x.data;
  const o = out.data;
  const n = out.size;
  if (beta === 0) for (let i = 0; i < n; i++) o[i] = alpha * a[i];
  else for (let i = 0; i < n; i++) o[i] = beta * o[i] + alpha * a[i];
}
