import { type Tensor, upsampleNearest2d, upsampleNearest2dBackward } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { checkIntegers, expectShape, expectTensor } from '../module/checks.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * Nearest-neighbour up-sampling of [N, C, H, W] by an integer factor (Torch's
 * `nn.SpatialUpSamplingNearest(scale)`): each pixel becomes a scale×scale block; the gradient
 * of a pixel is the sum over its block.
 */
export class SpatialUpSamplingNearest extends Module {
  static readonly typeName: string = 'SpatialUpSamplingNearest';
  constructor(readonly scale: number) {
    super();
    checkIntegers(this, { scale }, 1);
  }

  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    expectShape(this, x, [['N', 'C', 'H', 'W']]);
    const [N, C, H, W] = x.shape;
    return upsampleNearest2d(x, this.scale, this.cache.get('output', [N, C, H * this.scale, W * this.scale], x.dtype));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = expectTensor(this, input);
    return upsampleNearest2dBackward(this.gradOutputTensor(gradOutput), this.scale, this.cache.like('gradInput', x));
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }

  protected override describe(): string {
    return String(this.scale);
  }
}
