import type { Rng, Tensor } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';

/** Options of `randomTint`: the range of the per-channel offset, in the units of the data. */
export interface TintOptions {
  /** Lower bound of the offset (default −10, in pixel units as PyDatSet). */
  lo?: number;
  /** Upper bound of the offset (default 10). */
  hi?: number;
}

/** Adds to each channel of each image an offset drawn uniformly from [lo, hi]. Works in place. */
export function randomTint(options: TintOptions = {}): Augmentation {
  const { lo = -10, hi = 10 } = options;
  checkOption('randomTint', 'lo', lo, Number.isFinite(lo) && lo <= hi, `finite and <= hi (${hi})`);
  checkOption('randomTint', 'hi', hi, Number.isFinite(hi), 'finite');
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('randomTint', x);
    const y = outputFor('randomTint', x, x.shape, out, true);
    const src = x.data;
    const dst = y.data;
    const plane = h * w;
    for (let p = 0; p < n * c; p++) {
      const t = rng.uniform(lo, hi);
      for (let k = p * plane; k < (p + 1) * plane; k++) dst[k] = src[k] + t;
    }
    return y;
  };
}
