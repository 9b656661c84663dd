import type { Tensor } from '@funt/tensor';
import { type Classifier, inputGradient } from './classifier.js';

/** The saliency maps of a batch and the model's probability of the chosen class for each image. */
export interface SaliencyResult {
  /** The maps, [N, H, W] row-major: the max over channels of |d loss / d pixel| (Simonyan et al. 2014). */
  maps: Float32Array;
  shape: [number, number, number];
  /** The model's probability of the given class for each image. */
  probability: number[];
}

/**
 * Saliency maps: how much each pixel changes the loss of the given class, the largest over the
 * colour channels. Bright pixels are those the decision depends on.
 */
export function saliencyMaps(model: Classifier, x: Tensor, classes: ArrayLike<number>): SaliencyResult {
  if (x.rank !== 4) throw new RangeError(`saliencyMaps: expected an N×C×H×W batch, got shape [${x.shape.join(', ')}]`);
  model.evaluate();
  const [n, c, h, w] = x.shape;
  const { grad, logp } = inputGradient(model, x, classes);
  const k = logp.length / n;
  const plane = h * w;
  const maps = new Float32Array(n * plane);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < plane; p++) {
      let m = 0;
      for (let ch = 0; ch < c; ch++) m = Math.max(m, Math.abs(grad[(i * c + ch) * plane + p]));
      maps[i * plane + p] = m;
    }
  }
  const probability = Array.from({ length: n }, (_, i) => Math.exp(logp[i * k + classes[i]]));
  return { maps, shape: [n, h, w], probability };
}
