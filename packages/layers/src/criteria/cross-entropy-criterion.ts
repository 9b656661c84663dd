import { exp, logSoftmax, mul, type Tensor } from '@funt/tensor';
import { ClassNLLCriterion } from './class-nll-criterion.js';
import type { Target } from './criterion.js';

/**
 * LogSoftMax and ClassNLLCriterion fused (Torch's `nn.CrossEntropyCriterion(weights)`), taking
 * raw scores [N, C]. The log-softmax subtracts each row's maximum, so large scores do not
 * overflow; the gradient is computed directly as (softmax − one-hot)·weight/normaliser instead
 * of going through the two modules.
 */
export class CrossEntropyCriterion extends ClassNLLCriterion {
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
    for (let i = 0; i < n; i++) d[i * c + classes[i]] -= 1;
    const w = this.sampleWeights(classes, c);
    const scale = this.cache.get('rowScale', [n, 1], x.dtype);
    scale.data.set(w);
    mul(rows, scale, rows);
    return probs;
  }
}
