import type { Rng, Tensor } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';
import { resamplePlane } from './bilinear.js';

/** Options of `randomRotate`. */
export interface RotateOptions {
  /** Value of pixels rotated in from outside the image (default 0). */
  fill?: number;
}

/**
 * Rotates each image about its centre by an angle drawn uniformly from [−maxAngle, maxAngle]
 * degrees (one angle per image, shared by its channels), with bilinear interpolation. The
 * output has the input's size; corners rotated in from outside take `fill`.
 */
export function randomRotate(maxAngle: number, options: RotateOptions = {}): Augmentation {
  checkOption(
    'randomRotate',
    'maxAngle',
    maxAngle,
    Number.isFinite(maxAngle) && maxAngle >= 0 && maxAngle <= 180,
    'in [0, 180] degrees',
  );
  const { fill = 0 } = options;
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('randomRotate', x);
    const y = outputFor('randomRotate', x, x.shape, out, false);
    const sy = new Float64Array(h * w);
    const sx = new Float64Array(h * w);
    const cy = (h - 1) / 2;
    const cx = (w - 1) / 2;
    for (let i = 0; i < n; i++) {
      const angle = (rng.uniform(-maxAngle, maxAngle) * Math.PI) / 180;
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      // Each output pixel samples the input at the inversely rotated point.
      for (let py = 0, k = 0; py < h; py++) {
        for (let px = 0; px < w; px++, k++) {
          const dy = py - cy;
          const dx = px - cx;
          sx[k] = cx + cos * dx + sin * dy;
          sy[k] = cy - sin * dx + cos * dy;
        }
      }
      for (let ch = 0; ch < c; ch++) {
        const base = (i * c + ch) * h * w;
        resamplePlane(x.data, base, y.data, base, h, w, sy, sx, fill);
      }
    }
    return y;
  };
}
