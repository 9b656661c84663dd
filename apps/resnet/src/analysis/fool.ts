import { fromTypedArray, type Tensor } from '@funt/tensor';
import { type Classifier, inputGradient } from './classifier.js';

/** Options of `foolingImage`: the class to reach, when to stop, and the valid range of each input element. */
export interface FoolOptions {
  target: number;
  /** Stop once p(target) ≥ threshold. */
  threshold: number;
  maxSteps: number;
  /** Change of each pixel per step, as a fraction of its range. */
  stepSize: number;
  /** Lowest and highest valid value of each input element (the standardised 0 and 255), [C·H·W]. */
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

/**
 * What `foolingImage` produced: the image, its difference from the start, and whether it fooled the model.
 */
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
 * lower −log p(target) — each pixel moves by a fixed amount against the sign of its gradient
 * and is clipped to its valid range — until the model gives the target class with
 * probability ≥ threshold.
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
  let steps = 0;
  let logp = inputGradient(model, x, [target]);
  const k = logp.logp.length;
  const startProbability = Math.exp(logp.logp[target]);
  let probability = startProbability;
  while (probability < threshold && steps < maxSteps) {
    // Projected signed gradient (iterative FGSM): every pixel moves by the same amount, so
    // the box constraint clips single pixels rather than swallowing a normalised step.
    const g = logp.grad;
    for (let i = 0; i < size; i++) {
      const step = stepSize * (hi[i] - lo[i]) * Math.sign(g[i]);
      x.data[i] = Math.min(hi[i], Math.max(lo[i], x.data[i] - step));
    }
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
