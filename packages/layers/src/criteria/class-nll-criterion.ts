import { fill, Tensor } from '@funt/tensor';
import { LayerError } from '../module/errors.js';
import { Criterion, type Target } from './criterion.js';

/**
 * Negative log-likelihood of the target classes given log-probabilities [N, C] (Torch's
 * `nn.ClassNLLCriterion(weights, sizeAverage = true)`; put a LogSoftMax before it):
 * loss = −Σᵢ w[tᵢ]·x[i, tᵢ] / Σᵢ w[tᵢ] (or without the division when sizeAverage is false).
 * Without weights every class weighs 1, so the loss is the batch mean.
 */
export class ClassNLLCriterion extends Criterion {
  private readonly classWeights: Float64Array | null;

  constructor(
    weights: Tensor | ArrayLike<number> | null = null,
    readonly sizeAverage = true,
  ) {
    super();
    this.classWeights = weights === null ? null : Float64Array.from(weights instanceof Tensor ? weights.data : weights);
  }

  /** The weight of each sample (its class's weight), already divided by the normaliser. */
  protected sampleWeights(classes: Int32Array, numClasses: number): Float64Array {
    const w = this.classWeights;
    if (w !== null && w.length !== numClasses) {
      throw new LayerError(this, `has ${w.length} class weights for ${numClasses} classes`, [numClasses], [w.length]);
    }
    const out = new Float64Array(classes.length);
    let total = 0;
    for (let i = 0; i < classes.length; i++) {
      out[i] = w === null ? 1 : w[classes[i]];
      total += out[i];
    }
    const norm = this.sizeAverage ? total : 1;
    for (let i = 0; i < out.length; i++) out[i] = norm === 0 ? 0 : out[i] / norm;
    return out;
  }

  /** −Σ weight·logProb[i, target] over the batch, reading log-probabilities [N, C]. */
  protected nll(logProbs: Tensor, classes: Int32Array): number {
    const [n, c] = logProbs.shape;
    const w = this.sampleWeights(classes, c);
    const d = logProbs.data;
    let loss = 0;
    for (let i = 0; i < n; i++) loss -= w[i] * d[i * c + classes[i]];
    return loss;
  }

  override updateOutput(input: Tensor, target: Target): number {
    const { x, classes } = this.classScores(input, target);
    return this.nll(x, classes);
  }

  /** −weight at each target position, 0 elsewhere. */
  override updateGradInput(input: Tensor, target: Target): Tensor {
    const { x, classes } = this.classScores(input, target);
    const [n, c] = x.shape;
    const w = this.sampleWeights(classes, c);
    const grad = this.cache.like('gradInput', input);
    fill(grad, 0);
    const d = grad.data;
    for (let i = 0; i < n; i++) d[i * c + classes[i]] = -w[i];
    return grad;
  }
}
