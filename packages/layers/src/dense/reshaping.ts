import type { Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectTensor } from '../module/checks.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

const views: MemoryUse = { ...cachedOutputAndGradient, output: 'input', gradInput: 'gradOutput' };

/**
 * What `View` and `Reshape` share: the output is the input viewed with another shape and the
 * gradInput is gradOutput viewed with the input's shape, both without a copy (cached views, see
 * TensorCache.view). A subclass gives only its rule for the output shape.
 */
export abstract class Reshaping extends Module {
  constructor(readonly size: readonly number[]) {
    super();
  }

  /** The shape `x` is viewed with (a LayerError when its elements do not fit). */
  protected abstract outputShape(x: Tensor): number[];

  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    return this.cache.view('output', x, this.outputShape(x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = expectTensor(this, input);
    return this.cache.view('gradInput', this.gradOutputTensor(gradOutput), x.shape);
  }

  /** A view: no memory of its own. */
  override memoryUse(): MemoryUse {
    return views;
  }
}
