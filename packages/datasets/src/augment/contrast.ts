import type { Rng, Tensor } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';

/** Options of `randomContrast`: the range of the factor and the point contrast is scaled about. */
export interface ContrastOptions {
  /** Lower bound of the factor (default 0.8). */
  lo?: number;
  /** Upper bound of the factor (default 1.2). */
  hi?: number;
  /**
   * 'zero' (default, as PyDatSet): multiply every value by the factor, which scales contrast
   * about 0 — right for mean-subtracted data. 'mean': scale about each image's own mean, which
   * keeps its brightness — right for raw pixels.
   */
  center?: 'zero' | 'mean';
}

/** Scales each image by a factor drawn uniformly from [lo, hi]. Works in place. */
export function randomContrast(options: ContrastOptions = {}): Augmentation {
  const { lo = 0.8, hi = 1.2, center = 'zero' } = options;
  checkOption('randomContrast', 'lo', lo, Number.isFinite(lo) && lo <= hi, `finite and <= hi (${hi})`);
  checkOption('randomContrast', 'hi', hi, Number.isFinite(hi), 'finite');
  if (center !== 'zero' && center !== 'mean')
    throw new RangeError(`randomContrast: center must be 'zero' or 'mean', got '${String(center)}'`);
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('randomContrast', x);
    const y = outputFor('randomContrast', x, x.shape, out, true);
    const src = x.data;
    const dst = y.data;
    const size = c * h * w;
    for (let i = 0; i < n; i++) {
      const f = rng.uniform(lo, hi);
      const base = i * size;
      let m = 0;
      if (center === 'mean') {
        for (let k = base; k < base + size; k++) m += src[k];
        m /= size;
      }
      if (m === 0) for (let k = base; k < base + size; k++) dst[k] = src[k] * f;
      else for (let k = base; k < base + size; k++) dst[k] = (src[k] - m) * f + m;
    }
    return y;
  };
}
