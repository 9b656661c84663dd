import type { Rng, Tensor } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';

/** Options of `randomFlips`. */
export interface FlipOptions {
  /** Probability that an image is mirrored (default 0.5: half the batch, as PyDatSet). */
  p?: number;
}

/** Mirrors each image left–right with probability p (one draw per image). Works in place. */
export function randomFlips(options: FlipOptions = {}): Augmentation {
  const { p = 0.5 } = options;
  checkOption('randomFlips', 'p', p, p >= 0 && p <= 1, 'in [0, 1]');
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('randomFlips', x);
    const y = outputFor('randomFlips', x, x.shape, out, true);
    const src = x.data;
    const dst = y.data;
    const size = c * h * w;
    for (let i = 0; i < n; i++) {
      const flip = rng.bernoulli(p);
      const base = i * size;
      if (!flip) {
        if (y !== x) dst.set(src.subarray(base, base + size), base);
        continue;
      }
      for (let row = base; row < base + size; row += w) {
        // Read both ends before writing either, so that dst may be src.
        for (let j = 0, k = w - 1; j <= k; j++, k--) {
          const a = src[row + j];
          dst[row + j] = src[row + k];
          dst[row + k] = a;
        }
      }
    }
    return y;
  };
}
