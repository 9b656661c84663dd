import { type DType, formatShape, getDefaultDType, ShapeError, Tensor } from '@funt/tensor';
import type { ImageSet } from './image-set.js';
import { type Standardization, scaling, writeStandardized } from './preprocess/standardize.js';

/**
 * Options of `toTensor`: which rows, standardised how, in which dtype (default `getDefaultDType()`), written where.
 */
export interface ToTensorOptions {
  /** Which images, in order (default: all). */
  rows?: ArrayLike<number>;
  /** Statistics to apply while converting (default: none, i.e. raw pixel values). */
  standardization?: Standardization;
  dtype?: DType;
  /** Destination tensor [rows, C, H, W], reused across batches to avoid allocation. */
  out?: Tensor;
}

/** Images of a set (or some rows of it) as a float N×C×H×W tensor on the active backend. */
export function toTensor(set: ImageSet, options: ToTensorOptions = {}): Tensor {
  const [n, c, h, w] = set.shape;
  const count = options.rows ? options.rows.length : n;
  const shape = [count, c, h, w];
  const out = options.out;
  if (out && (out.rank !== 4 || out.shape.some((d, i) => d !== shape[i]))) {
    throw new ShapeError('toTensor', `out has shape ${formatShape(out.shape)}, expected ${formatShape(shape)}`, [
      shape,
      out.shape,
    ]);
  }
  const t = out ?? Tensor.empty(shape, options.dtype ?? getDefaultDType());
  const s = options.standardization ?? scaling(1);
  if (!options.rows) {
    writeStandardized(set.images, 0, t.data, 0, n, c, h * w, s);
    return t;
  }
  for (let i = 0; i < count; i++) {
    const r = options.rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      if (!out) t.dispose();
      throw new RangeError(`toTensor: row ${r} out of range for a set of ${n} images`);
    }
    writeStandardized(set.images, r, t.data, i, 1, c, h * w, s);
  }
  return t;
}
