import { exp, logSoftmax, mul, sub, type Tensor } from '@funt/tensor';
import { ClassNLLCriterion } from './class-nll-criterion.js';
import type { Target } from './criterion.js';

/**
 * LogSoftMax and ClassNLLCriterion fused (Torch's `nn.CrossEntropyCriterion(weights)`), taking
 * raw scores [N, C]. The log-softmax subtracts each row's maximum, so large scores do not
 * overflow; the gradient is computed directly as (softmax − one-hot)·weight/normaliser instead
 * of going through the two modules. With `labelSmoothing` ε (PyTorch's
 * `CrossEntropyLoss(weight, label_smoothing=ε)`) the gradient of row i is
 * p·((1 − ε)·wᵢ + Σ_c s[c]) − (1 − ε)·wᵢ·one-hot − s, s the smoothing weights; without weights
 * that is (p − q)/N for the smoothed target q = (1 − ε)·one-hot + ε/C.
 */
export class CrossEntropyCriterion extends ClassNLLCriterion {
  static override readonly typeName: string = 'CrossEntropyCriterion';
  override updateOutput(input: Tensor, target: Target): number {
    const { x, classes } = this.classScores(input, target);
    const logProbs = logSoftmax(x, this.cache.like('logProbs', x));
    return this.nll(logProbs, classes);
  }

  override updateGradInput(input: Tensor, target: Target): Tensor {
    const { x, classes } = this.classScores(input, target);
    const [n, c] = x.shape;
    const probs = this.cache.like('gradInput', input);
    const rows = probs.rank === 2 ? probs : this.cache.view('gradInput2d', probs, [1, c]);
    logSoftmax(x, rows);
    exp(rows, rows);
    const d = rows.data;
    const w = this.sampleWeights(classes, c);
    const scale = this.cache.get('rowScale', [n, 1], x.dtype);
    const eps = this.labelSmoothing;
    if (eps === 0) {
      for (let i = 0; i < n; i++) d[i * c + classes[i]] -= 1;
      scale.data.set(w);
      mul(rows, scale, rows);
      return probs;
    }
    const s = this.smoothingWeights(classes, c);
    let total = 0;
    for (let j = 0; j < c; j++) total += s[j];
    for (let i = 0; i < n; i++) scale.data[i] = (1 - eps) * w[i] + total;
    mul(rows, scale, rows);
    const smoothing = this.cache.get('smoothing', [1, c], x.dtype);
    smoothing.data.set(s);
    sub(rows, smoothing, rows);
    for (let i = 0; i < n; i++) d[i * c + classes[i]] -= (1 - eps) * w[i];
    return probs;
  }
}
