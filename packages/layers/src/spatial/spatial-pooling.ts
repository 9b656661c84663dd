import { type Pool2dOptions, pool2dOutputSize, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { checkIntegers, expectShape, expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * What max and average pooling share: the window geometry (Torch order kW, kH, dW, dH, padW,
 * padH), `ceil()`/`floor()` rounding of the output size, and the input checks.
 */
export abstract class SpatialPooling extends Module {
  ceilMode = false;

  constructor(
    readonly kW: number,
    readonly kH: number,
    readonly dW: number,
    readonly dH: number,
    readonly padW: number,
    readonly padH: number,
  ) {
    super();
    checkIntegers(this, { kW, kH, dW, dH }, 1);
    checkIntegers(this, { padW, padH }, 0);
    if (2 * padW > kW || 2 * padH > kH)
      throw new LayerError(this, `padding ${padW},${padH} must be at most half the kernel ${kW}x${kH}`);
  }

  /** Rounds the output size up (Torch's `:ceil()`). */
  ceil(): this {
    this.ceilMode = true;
    return this;
  }

  /** Rounds the output size down, the default (Torch's `:floor()`). */
  floor(): this {
    this.ceilMode = false;
    return this;
  }

  /** The window geometry in the tensor ops' [height, width] order, with the rounding mode. */
  protected options(): Pool2dOptions {
    return {
      kernel: [this.kH, this.kW],
      stride: [this.dH, this.dW],
      padding: [this.padH, this.padW],
      ceilMode: this.ceilMode,
    };
  }

  /**
   * The input as a [N, C, H, W] tensor; throws a LayerError when it is not one or is smaller than the window.
   */
  protected check(input: Activity): Tensor {
    const x = expectTensor(this, input);
    expectShape(this, x, [['N', 'C', 'H', 'W']]);
    const [, , h, w] = this.outputShape(x);
    if (h < 1 || w < 1) {
      throw new LayerError(
        this,
        `input is smaller than the ${this.kH}x${this.kW} window`,
        `H + 2·padH >= ${this.kH} and W + 2·padW >= ${this.kW}`,
        x.shape,
      );
    }
    return x;
  }

  /** [N, C, Ho, Wo] for input x, rounded as `ceil()`/`floor()` chose. */
  protected outputShape(x: Tensor): number[] {
    return [
      x.shape[0],
      x.shape[1],
      pool2dOutputSize(x.shape[2], this.kH, this.dH, this.padH, this.ceilMode),
      pool2dOutputSize(x.shape[3], this.kW, this.dW, this.padW, this.ceilMode),
    ];
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }

  protected override describe(): string {
    return `${this.kW}x${this.kH}, ${this.dW},${this.dH}, ${this.padW},${this.padH}${this.ceilMode ? ', ceil' : ''}`;
  }
}
