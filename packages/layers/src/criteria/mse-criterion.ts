import { mul, sub, type Tensor } from '@funt/tensor';
import { expectSameShape, expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Criterion, type Target } from './criterion.js';

/**
 * Mean squared error (Torch's `nn.MSECriterion(sizeAverage = true)`): Σ(x − t)² divided by the
 * number of elements (or not, without sizeAverage). The target is a tensor of the input's shape.
 */
export class MSECriterion extends Criterion {
  static readonly typeName: string = 'MSECriterion';
  constructor(readonly sizeAverage = true) {
    super();
  }

  private target(input: Tensor, target: Target): Tensor {
    const x = expectTensor(this, input);
    if (target instanceof Int32Array)
      throw new LayerError(this, 'target must be a tensor of the input shape, not class indices', x.shape, [
        target.length,
      ]);
    expectSameShape(this, x, target, 'target (vs input)');
    return target;
  }

  /** What the sum is divided by: the element count, or 1 without sizeAverage. */
  private norm(n: number): number {
    return this.sizeAverage ? n : 1;
  }

  override updateOutput(input: Tensor, target: Target): number {
    const t = this.target(input, target);
    const a = input.data;
    const b = t.data;
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      s += d * d;
    }
    return s / this.norm(input.size);
  }

  override updateGradInput(input: Tensor, target: Target): Tensor {
    const t = this.target(input, target);
    const grad = sub(input, t, this.cache.like('gradInput', input));
    return mul(grad, 2 / this.norm(input.size), grad);
  }
}
