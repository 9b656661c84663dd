import type { DType } from '../dtype.js';
import { getDefaultDType } from '../engine.js';
import { DisposedError, formatShape, ShapeError } from '../errors.js';
import { type Shape, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Checks shared by every op. Each op validates its arguments here, before any kernel runs, so
 * that bad input fails with a message naming the op and the shapes involved instead of a
 * wrong answer or an index error deep inside a loop.
 */

/** Throws DisposedError naming the op when a tensor was disposed. */
export function checkLive(op: string, ...tensors: readonly (Tensor | null | undefined)[]): void {
  for (const t of tensors) if (t?.isDisposed) throw new DisposedError(op);
}

/** The common dtype of the tensor arguments (the default dtype when there are none). */
export function commonDType(op: string, tensors: readonly (Tensor | number | null | undefined)[]): DType {
  let dtype: DType | null = null;
  let first: Tensor | null = null;
  for (const t of tensors) {
    if (!(t instanceof Tensor)) continue;
    if (dtype === null) {
      dtype = t.dtype;
      first = t;
    } else if (t.dtype !== dtype) {
      throw new TypeError(
        `${op}: dtype mismatch: ${first!.dtype} ${formatShape(first!.shape)} vs ${t.dtype} ${formatShape(t.shape)}`,
      );
    }
  }
  return dtype ?? getDefaultDType();
}

export function checkRank(op: string, name: string, t: Tensor, rank: number, context: readonly Shape[] = []): void {
  if (t.rank !== rank) {
    throw new ShapeError(op, `${name} must have rank ${rank}, got ${formatShape(t.shape)}${withShapes(context)}`, [
      t.shape,
      ...context,
    ]);
  }
}

/** " (with [2, 3], [4])" for the other shapes of the call, so that messages name them all. */
export function withShapes(shapes: readonly Shape[]): string {
  return shapes.length === 0 ? '' : ` (with ${shapes.map(formatShape).join(', ')})`;
}

/** A non-negative (or, with `positive`, ≥ 1) integer, else a ShapeError naming op and shapes. */
export function checkInt(
  op: string,
  name: string,
  value: number,
  positive: boolean,
  shapes: readonly Shape[] = [],
): number {
  if (!Number.isInteger(value) || value < (positive ? 1 : 0)) {
    const want = positive ? 'a positive integer' : 'a non-negative integer';
    throw new ShapeError(op, `${name} must be ${want}, got ${value}${withShapes(shapes)}`, shapes);
  }
  return value;
}

/** A user-given shape (inputShape, wShape): non-negative integer dims of the given rank. */
export function checkShapeArg(
  op: string,
  name: string,
  shape: Shape,
  rank: number | null,
  context: readonly Shape[],
): void {
  const bad = (rank !== null && shape.length !== rank) || shape.some((d) => !Number.isInteger(d) || d < 0);
  if (bad) {
    const want = rank !== null ? `${rank} non-negative integer dimensions` : 'non-negative integer dimensions';
    throw new ShapeError(op, `${name} ${formatShape(shape)} must have ${want}${withShapes(context)}`, [
      shape,
      ...context,
    ]);
  }
}

/** `n` or `[h, w]` as a pair of integers (≥ 1 when `positive`). */
export function pair(
  op: string,
  name: string,
  value: number | readonly [number, number],
  positive: boolean,
  shapes: readonly Shape[],
): [number, number] {
  if (typeof value !== 'number' && (!Array.isArray(value) || value.length !== 2)) {
    throw new ShapeError(
      op,
      `${name} must be a number or [h, w], got ${JSON.stringify(value)}${withShapes(shapes)}`,
      shapes,
    );
  }
  const [h, w] = typeof value === 'number' ? [value, value] : value;
  checkInt(op, name, h, positive, shapes);
  checkInt(op, name, w, positive, shapes);
  return [h, w];
}

/**
 * The output tensor of an op: `out` after checking its shape and dtype, or a new tensor on
 * the active backend. `inputs` are the op's inputs: `out` may not share storage with them
 * (kernels assume no overlap) unless `inPlace` allows the exact same elements.
 */
export function output(
  op: string,
  shape: Shape,
  dtype: DType,
  out: Tensor | undefined,
  inputs: readonly (Tensor | number | null | undefined)[],
  inPlace = false,
): Tensor {
  if (!out) return Tensor.empty(shape, dtype);
  checkLive(op, out);
  const inputShapes = inputs.filter((t): t is Tensor => t instanceof Tensor).map((t) => t.shape);
  if (!sameShape(out.shape, shape)) {
    throw new ShapeError(
      op,
      `out has shape ${formatShape(out.shape)}, expected ${formatShape(shape)}${withShapes(inputShapes)}`,
      [out.shape, shape, ...inputShapes],
    );
  }
  if (out.dtype !== dtype) throw new TypeError(`${op}: out has dtype ${out.dtype}, expected ${dtype}`);
  for (const t of inputs) {
    if (!(t instanceof Tensor) || !out.sharesStorageWith(t)) continue;
    const sameElements = t.offset === out.offset && t.size === out.size;
    if (!(inPlace && sameElements)) {
      throw new Error(
        `${op}: out ${formatShape(out.shape)} overlaps input ${formatShape(t.shape)}; this op cannot work in place`,
      );
    }
  }
  return out;
}

/** Checks that a tensor argument has exactly the expected shape. */
export function checkShapeEquals(
  op: string,
  name: string,
  t: Tensor,
  expected: Shape,
  context: readonly Shape[] = [],
): void {
  if (!sameShape(t.shape, expected)) {
    throw new ShapeError(
      op,
      `${name} has shape ${formatShape(t.shape)}, expected ${formatShape(expected)}${withShapes(context)}`,
      [t.shape, expected, ...context],
    );
  }
}
