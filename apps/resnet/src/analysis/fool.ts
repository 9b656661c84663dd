import { type Tensor, fromTypedArray } from '@funt/tensor';
import { type Classifier, inputGradient } from './classifier.js';

export interface FoolOptions {
  target: number;
  /** Stop once p(target) ≥ threshold. */
  threshold: number;
  maxSteps: number;
  /** Root-mean-square change per pixel of one step, as a fraction of the pixel range. */
  stepSize: number;
  /** Lowest and highest valid value of each input element (the standardised 0 and 255), [C·H·W]. */
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

export interface FoolResult {
  /** The fooling image [1, C, H, W] (standardised like the inputs). */
  image: Float32Array;
  /** image − start. */
  distortion: Float32Array;
  steps: number;
  /** p(target) at the start and at the end. */
  startProbability: number;
  probability: number;
  success: boolean;
  /** The class the model gives the final image. */
  predicted: number;
}

/**
 * Fooling image (Szegedy et al. 2014; the seed's notebook): gradient steps on the input that
 * lower −log p(target), each of fixed length along the normalised gradient, clipped to the
 * valid pixel range, until the model gives the target class with probability ≥ threshold.
 */
export function foolingImage(model: Classifier, start: Tensor, options: FoolOptions): FoolResult {
  if (start.rank !== 4 || start.shape[0] !== 1) {
    throw new RangeError(`foolingImage: expected one image [1, C, H, W], got shape [${start.shape.join(', ')}]`);
  }
  const { target, threshold, maxSteps, stepSize, lo, hi } = options;
  const size = start.size;
  if (lo.length !== size || hi.length !== size) {
    throw new RangeError(`foolingImage: lo and hi need ${size} values (C·H·W), got ${lo.length} and ${hi.length}`);
  }
  model.evaluate();
  const x = fromTypedArray(start.data, start.shape, start.dtype);
  let range = 0;
  for (let i = 0; i < size; i++) range += (hi[i] - lo[i]) / size;
  const stepNorm = stepSize * range * Math.sqrt(size);
  let steps = 0;
  let logp = inputGradient(model, x, [target]);
  const k = logp.logp.length;
  const startProbability = Math.exp(logp.logp[target]);
  let probability = startProbability;
  while (probability < threshold && steps < maxSteps) {
    const g = logp.grad;
    let norm = 0;
    for (let i = 0; i < size; i++) norm += g[i] * g[i];
    norm = Math.sqrt(norm) || 1;
    const scale = stepNorm / norm;
    for (let i = 0; i < size; i++) x.data[i] = Math.min(hi[i], Math.max(lo[i], x.data[i] - scale * g[i]));
    steps++;
    logp = inputGradient(model, x, [target]);
    probability = Math.exp(logp.logp[target]);
  }
  let predicted = 0;
  for (let j = 1; j < k; j++) if (logp.logp[j] > logp.logp[predicted]) predicted = j;
  const image = Float32Array.from(x.data);
  const distortion = image.map((v, i) => v - start.data[i]);
  x.dispose();
  return { image, distortion, steps, startProbability, probability, success: probability >= threshold, predicted };
}
