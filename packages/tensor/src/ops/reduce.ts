import type { ReduceOp } from '../backend.js';
import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkInt, checkLive, commonDType, output } from './validate.js';

/**
 * Reductions over axes (all axes by default), with NumPy's keepdims. The kernel always writes
 * the keepdims shape; without keepdims the result is a view of it with those axes dropped.
 */

/** Sorted, unique, non-negative axes; a ShapeError for out-of-range or repeated ones. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  shape: readonly number[],
): number[] {
  if (axes === undefined) return shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const norm = list.map((a) => normalizeAxis(op, a, shape)).sort((a, b) => a - b);
  for (let i = 1; i < norm.length; i++) {
    if (norm[i] === norm[i - 1])
      throw new ShapeError(op, `axis ${norm[i]} repeated in ${JSON.stringify(list)} for shape ${formatShape(shape)}`, [
        shape,
      ]);
  }
  return norm;
}

function reduction(op: ReduceOp, x: Tensor, axes?: number | readonly number[], keepdims = false, out?: Tensor): Tensor {
  checkLive(op, x);
  const ax = normalizeAxes(op, axes, x.shape);
  if ((op === 'max' || op === 'min') && ax.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(
      op,
      `cannot reduce over an empty axis of ${formatShape(x.shape)} (axes ${JSON.stringify(ax)})`,
      [x.shape],
    );
  }
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const dropped = x.shape.filter((_, i) => !ax.includes(i));
  const y = output(op, keepdims ? kept : dropped, commonDType(op, [x, out]), out, [x]);
  const view = keepdims ? y : y.reshape(kept);
  getBackend().reduce(op, x, ax, view);
  if (view !== y) view.dispose();
  return y;
}

/**
 * Sum over `axes` (all by default; negative axes count from the end), dropping them unless `keepdims`.
 * The sum over an empty axis is 0.
 *
 * @example
 * ```ts
 * const rowSums = sum(x, 1, true); // [N, K] → [N, 1]
 * const total = sum(x); // a scalar, shape []
 * ```
 */
export const sum = (x: Tensor, axes?: number | readonly number[], keepdims = false, out?: Tensor): Tensor =>
  reduction('sum', x, axes, keepdims, out);
/** Mean over `axes` (all by default), dropping them unless `keepdims`; NaN over an empty axis. */
export const mean = (x: Tensor, axes?: number | readonly number[], keepdims = false, out?: Tensor): Tensor =>
  reduction('mean', x, axes, keepdims, out);
/**
 * Maximum over `axes` (all by default), dropping them unless `keepdims`; propagates NaN. Throws a
 * ShapeError for an empty axis.
 */
export const max = (x: Tensor, axes?: number | readonly number[], keepdims = false, out?: Tensor): Tensor =>
  reduction('max', x, axes, keepdims, out);
/**
 * Minimum over `axes` (all by default), dropping them unless `keepdims`; propagates NaN. Throws a
 * ShapeError for an empty axis.
 */
export const min = (x: Tensor, axes?: number | readonly number[], keepdims = false, out?: Tensor): Tensor =>
  reduction('min', x, axes, keepdims, out);

/** Indices (as integral float values) of the maximum along `axis`; the first one on ties. */
export function argmax(x: Tensor, axis = -1, keepdims = false): Tensor {
  checkLive('argmax', x);
  const a = normalizeAxis('argmax', axis, x.shape);
  if (x.shape[a] === 0) throw new ShapeError('argmax', `axis ${axis} of ${formatShape(x.shape)} is empty`, [x.shape]);
  const kept = x.shape.map((d, i) => (i === a ? 1 : d));
  const y = Tensor.empty(keepdims ? kept : x.shape.filter((_, i) => i !== a), x.dtype);
  const view = keepdims ? y : y.reshape(kept);
  getBackend().argmax(x, a, view);
  if (view !== y) view.dispose();
  return y;
}

/**
 * The k largest values along `axis`, sorted descending (ties: lower index first; NaN counts as
 * the largest, as in argmax), and their indices. values has x's shape with that axis set to k;
 * indices is laid out the same way.
 */
export function topk(x: Tensor, k: number, axis = -1): { values: Tensor; indices: Int32Array } {
  checkLive('topk', x);
  const a = normalizeAxis('topk', axis, x.shape);
  const n = x.shape[a];
  checkInt('topk', 'k', k, false, [x.shape]);
  if (k > n)
    throw new ShapeError('topk', `k = ${k} exceeds the size ${n} of axis ${axis} of ${formatShape(x.shape)}`, [
      x.shape,
    ]);
  let outer = 1;
  for (let i = 0; i < a; i++) outer *= x.shape[i];
  let inner = 1;
  for (let i = a + 1; i < x.rank; i++) inner *= x.shape[i];
  const values = Tensor.empty(
    x.shape.map((d, i) => (i === a ? k : d)),
    x.dtype,
  );
  const indices = new Int32Array(values.size);
  const xd = x.data;
  const vd = values.data;
  const order = new Array<number>(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) order[j] = j;
      order.sort((p, q) => compareDescending(xd[base + p * inner], xd[base + q * inner]) || p - q);
      for (let j = 0; j < k; j++) {
        const at = (o * k + j) * inner + i;
        indices[at] = order[j];
        vd[at] = xd[base + order[j] * inner];
      }
    }
  }
  return { values, indices };
}

/** Negative when u should come before v in descending order; NaN sorts first. */
function compareDescending(u: number, v: number): number {
  if (Number.isNaN(u)) return Number.isNaN(v) ? 0 : -1;
  if (Number.isNaN(v)) return 1;
  return u > v ? -1 : u < v ? 1 : 0;
}
