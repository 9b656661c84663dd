import type { DataArray, DType } from './dtype.js';
import { getBackend, getDefaultDType } from './engine.js';
import { formatShape, ShapeError } from './errors.js';
import type { Rng } from './random.js';
import { checkShape, type Shape, sizeOf } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

/** An uninitialised tensor on the active backend (contents unspecified). */
export function empty(shape: Shape, dtype: DType = getDefaultDType()): Tensor {
  return Tensor.empty(shape, dtype);
}

/**
 * A new tensor of `shape` with every element set to `value` (default dtype: `getDefaultDType()`).
 *
 * @example
 * ```ts
 * const t = full([2, 3], 0.5); // [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]
 * ```
 */
export function full(shape: Shape, value: number, dtype: DType = getDefaultDType()): Tensor {
  const t = Tensor.empty(shape, dtype);
  t.backend.fill(t, value);
  return t;
}

/** A new tensor of `shape` filled with 0. */
export function zeros(shape: Shape, dtype: DType = getDefaultDType()): Tensor {
  return full(shape, 0, dtype);
}

/** A new tensor of `shape` filled with 1. */
export function ones(shape: Shape, dtype: DType = getDefaultDType()): Tensor {
  return full(shape, 1, dtype);
}

/** An uninitialised tensor with the shape and dtype of `t`, on the active backend (contents unspecified). */
export function emptyLike(t: Tensor): Tensor {
  return Tensor.empty(t.shape, t.dtype);
}

/** A zero tensor with the shape and dtype of `t`, on the active backend. */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, t.dtype);
}

/** Copies `data` into a new tensor of the given shape (default: 1-D). */
export function fromTypedArray(
  data: ArrayLike<number>,
  shape: Shape = [data.length],
  dtype: DType = getDefaultDType(),
): Tensor {
  checkShape('fromTypedArray', shape);
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError('fromTypedArray', `${data.length} values do not fill shape ${formatShape(shape)}`, [
      [data.length],
      shape,
    ]);
  }
  const t = Tensor.empty(shape, dtype);
  (t.data as DataArray).set(data as ArrayLike<number>);
  return t;
}

/**
 * A tensor from nested arrays (`[[1, 2], [3, 4]]`), a flat array or typed array with a shape,
 * or a single number (a scalar of shape []).
 */
export function tensor(
  values: NestedArray | ArrayLike<number>,
  shape?: Shape,
  dtype: DType = getDefaultDType(),
): Tensor {
  if (typeof values === 'number') return fromTypedArray([values], shape ?? [], dtype);
  if (!Array.isArray(values)) return fromTypedArray(values as ArrayLike<number>, shape, dtype);
  const inferred: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    inferred.push(level.length);
    level = level[0] as NestedArray;
    if (level === undefined) break;
  }
  const flat: number[] = [];
  const walk = (v: NestedArray, axis: number): void => {
    if (Array.isArray(v)) {
      if (axis >= inferred.length || v.length !== inferred[axis]) {
        throw new ShapeError(
          'tensor',
          `ragged nested array: expected ${inferred[axis]} items at depth ${axis}, got ${v.length}`,
          [inferred],
        );
      }
      for (const x of v) walk(x, axis + 1);
    } else {
      if (axis !== inferred.length) throw new ShapeError('tensor', `ragged nested array at depth ${axis}`, [inferred]);
      flat.push(v);
    }
  };
  walk(values, 0);
  return fromTypedArray(flat, shape ?? inferred, dtype);
}

/** Values drawn uniformly from [lo, hi) with a seeded generator. */
export function uniform(shape: Shape, rng: Rng, lo = 0, hi = 1, dtype: DType = getDefaultDType()): Tensor {
  const t = Tensor.empty(shape, dtype);
  rng.fillUniform(t.data, lo, hi);
  return t;
}

/** Normally distributed values with a seeded generator. */
export function normal(shape: Shape, rng: Rng, mean = 0, std = 1, dtype: DType = getDefaultDType()): Tensor {
  const t = Tensor.empty(shape, dtype);
  rng.fillNormal(t.data, mean, std);
  return t;
}

/** 0, 1, …, n-1. */
export function arange(n: number, dtype: DType = getDefaultDType()): Tensor {
  const t = Tensor.empty([n], dtype);
  const d = t.data;
  for (let i = 0; i < n; i++) d[i] = i;
  return t;
}

/** Moves (copies) a tensor to the active backend and/or another dtype; returns `t` when already there. */
export function toActive(t: Tensor, dtype: DType = t.dtype): Tensor {
  const b = getBackend();
  if (t.backend === b && t.dtype === dtype) return t;
  const out = Tensor.empty(t.shape, dtype, b);
  (out.data as DataArray).set(t.data);
  return out;
}
