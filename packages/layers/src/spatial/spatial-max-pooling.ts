import { maxPool2d, maxPool2dBackward, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { SpatialPooling } from './spatial-pooling.js';

/** Max over each window (Torch's `nn.SpatialMaxPooling(kW, kH, dW = kW, dH = kH, padW = 0, padH = 0)`). */
export class SpatialMaxPooling extends SpatialPooling {
  static readonly typeName: string = 'SpatialMaxPooling';
  constructor(kW: number, kH: number, dW = kW, dH = kH, padW = 0, padH = 0) {
    super(kW, kH, dW, dH, padW, padH);
  }

  override updateOutput(input: Activity): Tensor {
    const x = this.check(input);
    return maxPool2d(x, this.options(), this.cache.get('output', this.outputShape(x), x.dtype));
  }

  /** Each gradient goes to the (first) maximum of its window, found again from the input. */
  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = this.check(input);
    return maxPool2dBackward(x, this.gradOutputTensor(gradOutput), this.options(), this.cache.like('gradInput', x));
  }
}
