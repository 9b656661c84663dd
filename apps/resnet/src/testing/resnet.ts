import { Rng } from '@funt/tensor';
import type { ResnetOptions } from '../model/resnet.js';

/** ResNet-20 for 3×32×32 images and 10 classes (seed 0), changed by `o`. */
export const resnetOptions = (o: Partial<ResnetOptions> = {}): ResnetOptions => ({
  n: 3,
  filters: 16,
  inputShape: [3, 32, 32],
  classes: 10,
  skip: true,
  hiddenDims: [],
  rng: new Rng(0),
  ...o,
});
