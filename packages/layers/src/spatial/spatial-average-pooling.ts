import { avgPool2d, avgPool2dBackward, type Pool2dOptions, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { SpatialPooling } from './spatial-pooling.js';

/**
 * Mean over each window (Torch's `nn.SpatialAveragePooling(kW, kH, dW = 1, dH = 1, padW = 0,
 * padH = 0)`; note Torch's stride default of 1). Padding counts in the divisor unless
 * `setCountExcludePad()`.
 */
export class SpatialAveragePooling extends SpatialPooling {
  static readonly typeName: string = 'SpatialAveragePooling';
  countIncludePad = true;

  constructor(kW: number, kH: number, dW = 1, dH = 1, padW = 0, padH = 0) {
    super(kW, kH, dW, dH, padW, padH);
  }

  /**
   * Divides each window's sum by the whole window, padding included (the default; Torch's `setCountIncludePad()`).
   */
  setCountIncludePad(): this {
    this.countIncludePad = true;
    return this;
  }

  /**
   * Divides each window's sum by the number of real (unpadded) cells in it (Torch's `setCountExcludePad()`).
   */
  setCountExcludePad(): this {
    this.countIncludePad = false;
    return this;
  }

  /** The pooling geometry with the `countIncludePad` choice. */
  protected override options(): Pool2dOptions {
    return { ...super.options(), countIncludePad: this.countIncludePad };
  }

  override updateOutput(input: Activity): Tensor {
    const x = this.check(input);
    return avgPool2d(x, this.options(), this.cache.get('output', this.outputShape(x), x.dtype));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = this.check(input);
    return avgPool2dBackward(
      this.gradOutputTensor(gradOutput),
      x.shape,
      this.options(),
      this.cache.like('gradInput', x),
    );
  }
}
