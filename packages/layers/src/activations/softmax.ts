import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectShape, expectTensor } from '../module/checks.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * Softmax over the last axis of scores [N, K] or [K] (Torch's `nn.SoftMax`); `LogSoftMax` is
 * the same module computing log-probabilities (numerically stable, max subtracted). Backward
 * reads the kept output.
 */
export class SoftMax extends Module {
  static readonly typeName: string = 'SoftMax';
  /** Log-probabilities instead of probabilities. */
  protected readonly log: boolean = false;

  /** The input as [N, K] (a view for a single vector). */
  private rows(t: Tensor, key: string): Tensor {
    return t.rank === 2 ? t : this.cache.view(key, t, [1, t.shape[0]]);
  }

  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    expectShape(this, x, [['N', 'K'], ['K']]);
    const y = this.cache.like('output', x);
    const f = this.log ? logSoftmax : softmax;
    f(this.rows(x, 'input2d'), this.rows(y, 'output2d'));
    return y;
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = expectTensor(this, input);
    const dy = this.gradOutputTensor(gradOutput);
    const y = this.outputTensor();
    const dx = this.cache.like('gradInput', x);
    const f = this.log ? logSoftmaxBackward : softmaxBackward;
    f(this.rows(y, 'output2d'), this.rows(dy, 'gradOutput2d'), this.rows(dx, 'gradInput2d'));
    return dx;
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }
}
