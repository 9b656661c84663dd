import { formatShape, ShapeError, Tensor } from '@funt/tensor';
import type { ImageSet } from '../image-set.js';
import { type Eigen3, symmetricEigen3 } from './eigen3.js';
import { type Standardization, scaling, writeStandardized } from './standardize.js';

/** Principal axes of the RGB values of a data set, for AlexNet's PCA lighting. */
export type RgbPca = Eigen3;

/**
 * The eigen-decomposition of the 3×3 covariance of RGB triples over every pixel of every image.
 * Compute it in the units the augmentation will see: when batches are standardised before they
 * are augmented, pass the training set's Standardization and each image is standardised (by the
 * same arithmetic as `toTensor`) before it is counted.
 */
export function rgbPca(data: ImageSet | Tensor, standardization: Standardization = scaling(1)): RgbPca {
  const shape = data.shape;
  if (shape.length !== 4 || shape[1] !== 3) {
    throw new ShapeError('rgbPca', `expected N×3×H×W RGB images, got ${formatShape(shape)}`, [shape]);
  }
  const [n, , h, w] = shape;
  const hw = h * w;
  if (n * hw === 0) throw new RangeError('rgbPca: no pixels');
  const px = data instanceof Tensor ? data.data : data.images;
  const image = new Float64Array(3 * hw);
  const sum = new Float64Array(3);
  const prod = new Float64Array(9);
  for (let i = 0; i < n; i++) {
    writeStandardized(px, i, image, 0, 1, 3, hw, standardization);
    for (let p = 0; p < hw; p++) {
      const r = image[p];
      const g = image[hw + p];
      const b = image[2 * hw + p];
      sum[0] += r;
      sum[1] += g;
      sum[2] += b;
      prod[0] += r * r;
      prod[1] += r * g;
      prod[2] += r * b;
      prod[4] += g * g;
      prod[5] += g * b;
      prod[8] += b * b;
    }
  }
  const count = n * hw;
  const cov = new Float64Array(9);
  for (let a = 0; a < 3; a++) {
    for (let b = a; b < 3; b++) {
      cov[a * 3 + b] = cov[b * 3 + a] = prod[a * 3 + b] / count - (sum[a] / count) * (sum[b] / count);
    }
  }
  return symmetricEigen3(cov);
}
