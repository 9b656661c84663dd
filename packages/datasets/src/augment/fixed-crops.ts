import type { Rng, Tensor } from '@funt/tensor';
import { ShapeError } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';
import { cropWindows } from './crop-windows.js';

/** Where a fixed crop sits; 'all' gives the five crops AlexNet-style test-time averaging uses. */
export type CropPosition = 'center' | 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | 'all';

const FIVE: readonly Exclude<CropPosition, 'all'>[] = [
  'center',
  'top-left',
  'top-right',
  'bottom-left',
  'bottom-right',
];

/**
 * A cropH×cropW window at a fixed position of every image (the seed tested SFDDD on the centre
 * crop). With position 'all' the output holds 5·N images: all N centre crops, then all N
 * top-left crops, then top-right, bottom-left, bottom-right (so `out.slice(k·N, (k+1)·N)` is one
 * position). The centre crop of odd margins rounds towards the top-left.
 */
export function fixedCrops(cropH: number, cropW: number, position: CropPosition = 'center'): Augmentation {
  checkOption('fixedCrops', 'cropH', cropH, Number.isInteger(cropH) && cropH >= 1, 'a positive integer');
  checkOption('fixedCrops', 'cropW', cropW, Number.isInteger(cropW) && cropW >= 1, 'a positive integer');
  if (position !== 'all' && !FIVE.includes(position)) {
    throw new RangeError(
      `fixedCrops: position must be one of ${[...FIVE, 'all'].join(', ')}, got '${String(position)}'`,
    );
  }
  const positions = position === 'all' ? FIVE : [position];
  return (x: Tensor, _rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('fixedCrops', x);
    if (cropH > h || cropW > w) {
      throw new ShapeError('fixedCrops', `crop ${cropH}×${cropW} is larger than the image ${h}×${w}`, [x.shape]);
    }
    const m = positions.length * n;
    const y = outputFor('fixedCrops', x, [m, c, cropH, cropW], out, false);
    const srcImage = new Int32Array(m);
    const top = new Int32Array(m);
    const left = new Int32Array(m);
    positions.forEach((p, k) => {
      const t = p === 'center' ? (h - cropH) >> 1 : p.startsWith('top') ? 0 : h - cropH;
      const l = p === 'center' ? (w - cropW) >> 1 : p.endsWith('left') ? 0 : w - cropW;
      for (let i = 0; i < n; i++) {
        srcImage[k * n + i] = i;
        top[k * n + i] = t;
        left[k * n + i] = l;
      }
    });
    cropWindows(x.data, [c, h, w], 0, { srcImage, top, left }, cropH, cropW, y.data);
    return y;
  };
}
