import type { Rng, Tensor } from '@funt/tensor';
import { formatShape, ShapeError } from '@funt/tensor';
import type { RgbPca } from '../preprocess/rgb-pca.js';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';

/**
 * AlexNet's colour augmentation (Krizhevsky et al., 2012): to every pixel of an image add
 * Σᵢ αᵢ·σᵢ·pᵢ, where pᵢ are the principal axes of the training set's RGB values, αᵢ ~ N(0, std²)
 * is drawn once per image, and σᵢ = √λᵢ is the spread along axis i. The paper writes λᵢ; the
 * square root keeps the shift in the data's units whatever its scale (0..255 or standardised),
 * so `std` reads as "a tenth of the natural colour spread". Needs C = 3. Works in place.
 */
export function pcaLighting(pca: RgbPca, std = 0.1): Augmentation {
  checkOption('pcaLighting', 'std', std, Number.isFinite(std) && std >= 0, 'finite and >= 0');
  if (!pca || pca.values?.length !== 3 || pca.vectors?.length !== 3) {
    throw new TypeError(
      'pcaLighting: pca must be an RgbPca ({ values: 3 numbers, vectors: 3 rows of 3 }) from rgbPca()',
    );
  }
  const sigma = pca.values.map((l) => Math.sqrt(Math.max(0, l)));
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('pcaLighting', x);
    if (c !== 3)
      throw new ShapeError('pcaLighting', `expected 3 (RGB) channels, got ${formatShape(x.shape)}`, [x.shape]);
    const y = outputFor('pcaLighting', x, x.shape, out, true);
    const src = x.data;
    const dst = y.data;
    const hw = h * w;
    const shift = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      shift.fill(0);
      for (let a = 0; a < 3; a++) {
        const amount = rng.normal(0, std) * sigma[a];
        for (let ch = 0; ch < 3; ch++) shift[ch] += amount * pca.vectors[a][ch];
      }
      for (let ch = 0; ch < 3; ch++) {
        const base = (i * 3 + ch) * hw;
        for (let k = base; k < base + hw; k++) dst[k] = src[k] + shift[ch];
      }
    }
    return y;
  };
}
