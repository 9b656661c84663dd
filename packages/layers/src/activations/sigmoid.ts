import { mul, sigmoid, sub, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectTensor } from '../module/checks.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/** y = 1 / (1 + e^−x) (Torch's `nn.Sigmoid`); backward reads the kept output: dx = dy·y·(1 − y). */
export class Sigmoid extends Module {
  static readonly typeName: string = 'Sigmoid';
  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    return sigmoid(x, this.cache.like('output', x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const dy = this.gradOutputTensor(gradOutput);
    const y = this.outputTensor();
    const dx = this.cache.like('gradInput', expectTensor(this, input));
    sub(1, y, dx);
    mul(dx, y, dx);
    return mul(dx, dy, dx);
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }
}
