import { fill, Tensor } from '@funt/tensor';
import { LayerError } from '../module/errors.js';
import { Criterion, type Target } from './criterion.js';

/**
 * Negative log-likelihood of the target classes given log-probabilities [N, C] (Torch's
 * `nn.ClassNLLCriterion(weights, sizeAverage = true)`; put a LogSoftMax before it):
 * loss = −Σᵢ w[tᵢ]·x[i, tᵢ] / Σᵢ w[tᵢ] (or without the division when sizeAverage is false).
 * Without weights every class weighs 1, so the loss is the batch mean.
 *
 * `labelSmoothing` ε (PyTorch's `CrossEntropyLoss(label_smoothing=ε)`, 0 by default) trains
 * against (1 − ε)·one-hot + ε/C instead of the one-hot target: the loss is
 * (1 − ε)·(the loss above) + (ε/C)·Σᵢ Σ_c w[c]·(−x[i, c]) / (the same normaliser).
 */
export class ClassNLLCriterion extends Criterion {
  static readonly typeName: string = 'ClassNLLCriterion';
  private readonly classWeights: Float64Array | null;

  constructor(
    weights: Tensor | ArrayLike<number> | null = null,
    readonly sizeAverage = true,
    readonly labelSmoothing = 0,
  ) {
    super();
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new LayerError(this, `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
    }
    this.classWeights = weights === null ? null : Float64Array.from(weights instanceof Tensor ? weights.data : weights);
  }

  /** The weight of each sample (its class's weight), already divided by the normaliser. */
  protected sampleWeights(classes: Int32Array, numClasses: number): Float64Array {
    const out = new Float64Array(classes.length);
    for (let i = 0; i < classes.length; i++) out[i] = this.classWeight(classes[i], numClasses);
    const norm = this.normaliser(classes, numClasses);
    for (let i = 0; i < out.length; i++) out[i] = norm === 0 ? 0 : out[i] / norm;
    return out;
  }

  /**
   * With label smoothing, the weight of every log-probability of a row in the loss,
   * (ε/C)·w[c] / normaliser: the smoothing term is −Σᵢ Σ_c smoothing[c]·x[i, c].
   */
  protected smoothingWeights(classes: Int32Array, numClasses: number): Float64Array {
    const out = new Float64Array(numClasses);
    const norm = this.normaliser(classes, numClasses);
    if (norm === 0) return out;
    for (let c = 0; c < numClasses; c++)
      out[c] = ((this.labelSmoothing / numClasses) * this.classWeight(c, numClasses)) / norm;
    return out;
  }

  /** Σᵢ w[tᵢ] with sizeAverage, else 1. */
  private normaliser(classes: Int32Array, numClasses: number): number {
    if (!this.sizeAverage) return 1;
    let total = 0;
    for (let i = 0; i < classes.length; i++) total += this.classWeight(classes[i], numClasses);
    return total;
  }

  private classWeight(k: number, numClasses: number): number {
    const w = this.classWeights;
    if (w === null) return 1;
    if (w.length !== numClasses) {
      throw new LayerError(this, `has ${w.length} class weights for ${numClasses} classes`, [numClasses], [w.length]);
    }
    return w[k];
  }

  /** −Σ weight·logProb[i, target] over the batch (with smoothing, the blend above), reading log-probabilities [N, C]. */
  protected nll(logProbs: Tensor, classes: Int32Array): number {
    const [n, c] = logProbs.shape;
    const w = this.sampleWeights(classes, c);
    const d = logProbs.data;
    let loss = 0;
    for (let i = 0; i < n; i++) loss -= w[i] * d[i * c + classes[i]];
    const eps = this.labelSmoothing;
    if (eps === 0) return loss;
    const s = this.smoothingWeights(classes, c);
    let smooth = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) smooth -= s[j] * d[i * c + j];
    return (1 - eps) * loss + smooth;
  }

  override updateOutput(input: Tensor, target: Target): number {
    const { x, classes } = this.classScores(input, target);
    return this.nll(x, classes);
  }

  /** −weight at each target position, 0 elsewhere (with smoothing, −(1 − ε)·weight there and −smoothing[c] everywhere). */
  override updateGradInput(input: Tensor, target: Target): Tensor {
    const { x, classes } = this.classScores(input, target);
    const [n, c] = x.shape;
    const w = this.sampleWeights(classes, c);
    const grad = this.cache.like('gradInput', input);
    const d = grad.data;
    const eps = this.labelSmoothing;
    if (eps === 0) {
      fill(grad, 0);
      for (let i = 0; i < n; i++) d[i * c + classes[i]] = -w[i];
      return grad;
    }
    const s = this.smoothingWeights(classes, c);
    for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) d[i * c + j] = -s[j];
    for (let i = 0; i < n; i++) d[i * c + classes[i]] -= (1 - eps) * w[i];
    return grad;
  }
}
