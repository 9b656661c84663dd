import { type Tensor, threshold, thresholdBackward } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';
import type { ReluFusion } from '../plan/relu-fusion.js';

/**
 * y = x > th ? x : value (Torch's `nn.Threshold(th = 1e-6, value = 0, inPlace = false)`).
 *
 * In place, the output IS the input tensor (no buffer), and backward writes the gradient into
 * gradOutput (Torch does the same); the mask x > th survives because value ≤ th is required.
 *
 * A ReLU (threshold 0, value 0) right after a batch norm or CAddTable can be fused into it
 * (`fuseActivations`): it then passes its producer's already rectified output, and the
 * gradient, straight through (see plan/relu-fusion.ts).
 */
export class Threshold extends Module {
  static readonly typeName: string = 'Threshold';
  /**
   * Set by fuseActivations when the module before this ReLU applies it.
   * Left out of the API reference: only fuseActivations and unfuseActivations manage it.
   *
   * @internal
   */
  reluFusion: ReluFusion | null = null;

  constructor(
    readonly threshold = 1e-6,
    readonly value = 0,
    readonly inPlace = false,
  ) {
    super();
    if (inPlace && value > threshold) {
      throw new LayerError(
        this,
        `in place needs value <= threshold (the backward mask is read from the output), got value ${value} > threshold ${threshold}`,
      );
    }
  }

  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    if (this.reluFusion?.passesThrough(x)) return x;
    return threshold(x, this.threshold, this.value, this.inPlace ? x : this.cache.like('output', x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = expectTensor(this, input);
    const dy = this.gradOutputTensor(gradOutput);
    // The producer's backward masks dy in its own pass.
    if (this.reluFusion?.passesThrough(x)) return dy;
    return thresholdBackward(x, dy, this.threshold, this.inPlace ? dy : this.cache.like('gradInput', x));
  }

  /** In place it returns what it is given; fused, it passes its producer's output and the gradient through (plan/relu-fusion.ts). */
  override memoryUse(): MemoryUse {
    const passes = this.inPlace || this.reluFusion !== null;
    return {
      ...cachedOutputAndGradient,
      output: passes ? 'input' : 'cache',
      gradInput: passes ? 'gradOutput' : 'cache',
      writesGradOutput: this.inPlace,
    };
  }

  protected override describe(): string {
    return `${this.threshold}, ${this.value}${this.inPlace ? ', inPlace' : ''}`;
  }
}
