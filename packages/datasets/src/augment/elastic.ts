import type { Rng, Tensor } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';
import { resamplePlane } from './bilinear.js';

/** Options of `elasticDistortion`, in pixels of the images it distorts. */
export interface ElasticOptions {
  /** Scale of the displacement in pixels (default 34, Simard et al.'s MNIST setting). */
  alpha?: number;
  /** Std of the Gaussian smoothing the random field, in pixels (default 4). */
  sigma?: number;
  /** Value sampled from outside the image (default 0). */
  fill?: number;
}

/**
 * Elastic distortion (Simard, Steinkraus & Platt, 2003): a random displacement field, uniform in
 * [−1, 1] per pixel and axis, smoothed by a Gaussian of std `sigma` and scaled by `alpha`;
 * each image (all its channels) is resampled bilinearly along its own field. alpha = 0 is the
 * identity.
 */
export function elasticDistortion(options: ElasticOptions = {}): Augmentation {
  const { alpha = 34, sigma = 4, fill = 0 } = options;
  checkOption('elasticDistortion', 'alpha', alpha, Number.isFinite(alpha) && alpha >= 0, 'finite and >= 0');
  checkOption('elasticDistortion', 'sigma', sigma, Number.isFinite(sigma) && sigma > 0, 'finite and > 0');
  const kernel = gaussianKernel(sigma);
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('elasticDistortion', x);
    const y = outputFor('elasticDistortion', x, x.shape, out, false);
    const dy = new Float64Array(h * w);
    const dx = new Float64Array(h * w);
    const tmp = new Float64Array(h * w);
    for (let i = 0; i < n; i++) {
      for (const field of [dy, dx]) {
        for (let k = 0; k < field.length; k++) field[k] = rng.uniform(-1, 1);
        smooth(field, tmp, h, w, kernel);
      }
      for (let py = 0, k = 0; py < h; py++) {
        for (let px = 0; px < w; px++, k++) {
          dy[k] = py + alpha * dy[k];
          dx[k] = px + alpha * dx[k];
        }
      }
      for (let ch = 0; ch < c; ch++) {
        const base = (i * c + ch) * h * w;
        resamplePlane(x.data, base, y.data, base, h, w, dy, dx, fill);
      }
    }
    return y;
  };
}

/** A normalised 1-D Gaussian of radius ceil(3σ). */
export function gaussianKernel(sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma);
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Separable Gaussian blur of an h×w field in place; borders repeat the edge value. */
function smooth(field: Float64Array, tmp: Float64Array, h: number, w: number, kernel: Float64Array): void {
  const r = (kernel.length - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) s += kernel[j + r] * field[y * w + Math.min(w - 1, Math.max(0, x + j))];
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) s += kernel[j + r] * tmp[Math.min(h - 1, Math.max(0, y + j)) * w + x];
      field[y * w + x] = s;
    }
  }
}
