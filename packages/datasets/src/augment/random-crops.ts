import type { Rng, Tensor } from '@funt/tensor';
import { ShapeError } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';
import { cropWindows } from './crop-windows.js';

/**
 * A random cropH×cropW window of each image zero-padded by `pad` (the CIFAR recipe: pad 4,
 * crop 32). One offset per image, uniform over all windows that fit in the padded image. The
 * padding is virtual, so this costs one pass over the output.
 */
export function randomCrops(cropH: number, cropW: number, pad = 0): Augmentation {
  checkOption('randomCrops', 'cropH', cropH, Number.isInteger(cropH) && cropH >= 1, 'a positive integer');
  checkOption('randomCrops', 'cropW', cropW, Number.isInteger(cropW) && cropW >= 1, 'a positive integer');
  checkOption('randomCrops', 'pad', pad, Number.isInteger(pad) && pad >= 0, 'a non-negative integer');
  // Reused between calls: the offsets of the last batch.
  let top = new Int32Array(0);
  let left = new Int32Array(0);
  let identity = new Int32Array(0);
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('randomCrops', x);
    const spanH = h + 2 * pad - cropH;
    const spanW = w + 2 * pad - cropW;
    if (spanH < 0 || spanW < 0) {
      throw new ShapeError(
        'randomCrops',
        `crop ${cropH}×${cropW} is larger than the padded image ${h + 2 * pad}×${w + 2 * pad}`,
        [x.shape],
      );
    }
    const y = outputFor('randomCrops', x, [n, c, cropH, cropW], out, false);
    if (top.length !== n) {
      top = new Int32Array(n);
      left = new Int32Array(n);
      identity = Int32Array.from({ length: n }, (_, i) => i);
    }
    for (let i = 0; i < n; i++) {
      top[i] = rng.int(spanH + 1);
      left[i] = rng.int(spanW + 1);
    }
    cropWindows(x.data, [c, h, w], pad, { srcImage: identity, top, left }, cropH, cropW, y.data);
    return y;
  };
}
