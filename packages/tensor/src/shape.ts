import { formatShape, ShapeError } from './errors.js';

/** The sizes of a tensor's axes, outermost first (row-major); `[]` is a scalar. */
export type Shape = readonly number[];

/** Checks that every dimension is a non-negative integer; `op` names the caller in the error. */
export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(op, `invalid shape ${formatShape(shape)}: dimensions must be non-negative integers`, [
        shape,
      ]);
    }
  }
}

/** The number of elements of a tensor of `shape` (1 for a scalar, 0 when any axis is 0). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * [N, C, ...] read as N × C planes of S elements, S the product of the axes after the channel
 * axis (1 for [N, C]): element (n, c, s) is at (n·C + c)·S + s. Batch norm's view of a tensor.
 */
export function channelPlanes(shape: Shape): { N: number; C: number; S: number } {
  return { N: shape[0], C: shape[1], S: sizeOf(shape.slice(2)) };
}

/** True when `a` and `b` have the same rank and sizes. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Normalises a possibly negative axis against `rank`, throwing a ShapeError naming `op`. */
export function normalizeAxis(op: string, axis: number, shape: Shape): number {
  const rank = shape.length;
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw new ShapeError(op, `axis ${axis} out of range for shape ${formatShape(shape)}`, [shape]);
  }
  return a;
}

/**
 * Resolves a shape that may contain one `-1` against a total element count (as reshape/view do).
 */
export function resolveShape(op: string, shape: Shape, size: number, from: Shape): number[] {
  const out = [...shape];
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i];
    if (d === -1) {
      if (unknown >= 0) throw new ShapeError(op, `only one -1 allowed in ${formatShape(shape)}`, [from, shape]);
      unknown = i;
    } else {
      if (!Number.isInteger(d) || d < 0) {
        throw new ShapeError(op, `invalid shape ${formatShape(shape)}: dimensions must be non-negative integers`, [
          from,
          shape,
        ]);
      }
      known *= d;
    }
  }
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(op, `cannot infer -1 in ${formatShape(shape)} from ${formatShape(from)}`, [from, shape]);
    }
    out[unknown] = size / known;
  }
  if (sizeOf(out) !== size) {
    throw new ShapeError(op, `cannot view ${formatShape(from)} (${size} elements) as ${formatShape(shape)}`, [
      from,
      shape,
    ]);
  }
  return out;
}
