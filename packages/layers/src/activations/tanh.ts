import { mul, sub, type Tensor, tanh } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectTensor } from '../module/checks.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/** y = tanh(x) (Torch's `nn.Tanh`); backward reads the kept output: dx = dy·(1 − y²). */
export class Tanh extends Module {
  static readonly typeName: string = 'Tanh';
  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    return tanh(x, this.cache.like('output', x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const dy = this.gradOutputTensor(gradOutput);
    const y = this.outputTensor();
    const dx = this.cache.like('gradInput', expectTensor(this, input));
    mul(y, y, dx);
    sub(1, dx, dx);
    return mul(dx, dy, dx);
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }
}
