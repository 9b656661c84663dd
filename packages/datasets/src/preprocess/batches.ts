import type { DType, Rng, Tensor } from '@funt/tensor';
import type { ImageSet } from '../image-set.js';
import { toTensor } from '../to-tensor.js';
import type { Standardization } from './standardize.js';

/**
 * Options of `batches`: the batch size (required, ≥ 1), shuffling, and the conversion to float
 * (`standardization`, default none; `dtype`, default `getDefaultDType()`).
 */
export interface BatchOptions {
  batchSize: number;
  /** Shuffles the order (one fresh permutation per call); without it batches follow the set's order. */
  rng?: Rng;
  /** Drop the last, smaller batch (default false). */
  dropLast?: boolean;
  standardization?: Standardization;
  dtype?: DType;
}

/** One batch from `batches`: float images, their labels, and which rows of the set they are. */
export interface Batch {
  /** Float images [b, C, H, W]; the caller owns it (dispose it, or run inside `tidy`). */
  x: Tensor;
  y: Int32Array;
  /** The set rows this batch holds. */
  rows: Int32Array;
}

/** One pass over the set in batches: the training loop's iterator. */
export function* batches(set: ImageSet, options: BatchOptions): Generator<Batch> {
  const { batchSize, rng, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const n = set.shape[0];
  const order = rng ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    if (dropLast && end - start < batchSize) return;
    const rows = order.slice(start, end);
    const y = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) y[i] = set.labels[rows[i]];
    yield { x: toTensor(set, { rows, standardization: options.standardization, dtype: options.dtype }), y, rows };
  }
}
