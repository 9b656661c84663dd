import { type Tensor, threshold, thresholdBackward } from '@funt/tensor';
import type { Activity } from './activity.js';
import { expectTensor } from './checks.js';
import { LayerError } from './errors.js';
import { Module } from './module.js';

/**
 * y = x > th ? x : value (Torch's `nn.Threshold(th = 1e-6, value = 0, inPlace = false)`).
 *
 * In place, the output IS the input tensor (no buffer), and backward writes the gradient into
 * gradOutput (Torch does the same); the mask x > th survives because value ≤ th is required.
 */
export class Threshold extends Module {
  constructor(
    readonly threshold = 1e-6,
    readonly value = 0,
    readonly inPlace = false,
  ) {
    super();
    if (inPlace && value > threshold) {
      throw new LayerError(this, `in place needs value <= threshold (the backward mask is read from the output), got value ${value} > threshold ${threshold}`);
    }
  }

  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    return threshold(x, this.threshold, this.value, this.inPlace ? x : this.workspace.like('output', x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = expectTensor(this, input);
    const dy = this.gradOutputTensor(gradOutput);
    return thresholdBackward(x, dy, this.threshold, this.inPlace ? dy : this.workspace.like('gradInput', x));
  }

  override modifiesGradOutput(): boolean {
    return this.inPlace;
  }

  protected override describe(): string {
    return `${this.threshold}, ${this.value}${this.inPlace ? ', inPlace' : ''}`;
  }
}
