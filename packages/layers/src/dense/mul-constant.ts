import { div, mul, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * y = c·x (Torch's `nn.MulConstant(c, inPlace = false)`). In place, forward scales the input
 * tensor itself, and backward scales gradOutput in place and then restores the input by
 * dividing it by c (Torch's behaviour), so c must not be 0 then.
 */
export class MulConstant extends Module {
  static readonly typeName: string = 'MulConstant';
  constructor(
    readonly constant: number,
    readonly inPlace = false,
  ) {
    super();
    if (!Number.isFinite(constant)) throw new LayerError(this, `constant must be finite, got ${constant}`);
    if (inPlace && constant === 0)
      throw new LayerError(this, 'in place needs a non-zero constant (backward restores the input by dividing by it)');
  }

  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    return mul(x, this.constant, this.inPlace ? x : this.cache.like('output', x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = expectTensor(this, input);
    const dy = this.gradOutputTensor(gradOutput);
    if (!this.inPlace) return mul(dy, this.constant, this.cache.like('gradInput', x));
    mul(dy, this.constant, dy);
    div(x, this.constant, x);
    return dy;
  }

  /** In place it scales what it is given: its input forward, its gradOutput backward. */
  override memoryUse(): MemoryUse {
    if (!this.inPlace) return cachedOutputAndGradient;
    return { ...cachedOutputAndGradient, output: 'input', gradInput: 'gradOutput', writesGradOutput: true };
  }

  protected override describe(): string {
    return `${this.constant}${this.inPlace ? ', inPlace' : ''}`;
  }
}
