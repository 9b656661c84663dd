import type { Conv2dOptions, ConvTranspose2dOptions, FilterGradients, Shape, Tensor } from '@funt/tensor';
import type { Fans } from '../init/initializers.js';
import type { Activity } from '../module/activity.js';
import { checkIntegers, expectShape, expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { WeightedModule } from '../module/weighted-module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * The three kernels of a convolution layer: forward, gradient w.r.t. the input, gradients
 * w.r.t. weight and bias. SpatialConvolution and SpatialFullConvolution differ only here.
 */
export interface ConvolutionKernels {
  /** y = layer(x) written into `out` ([N, nOutputPlane, Ho, Wo]). */
  forward(x: Tensor, w: Tensor, bias: Tensor | null, opts: ConvTranspose2dOptions, out: Tensor): Tensor;
  /** dx of `inputShape` from dy, overwriting `out`. */
  backwardData(dy: Tensor, w: Tensor, inputShape: Shape, opts: ConvTranspose2dOptions, out: Tensor): Tensor;
  /** Adds (with `grads.accumulate`) the weight and bias gradients into `grads.dw` and `grads.db`. */
  backwardFilter(x: Tensor, dy: Tensor, wShape: Shape, opts: ConvTranspose2dOptions, grads: FilterGradients): unknown;
}

/**
 * What the convolution layers share: the geometry in Torch's argument order (kW, kH, dW, dH,
 * padW, padH; width before height), the fans nPlane·kH·kW, the input checks, and
 * forward/backward written once over the layer's kernels. A subclass gives its kernels, its
 * output size and its weight layout.
 */
export abstract class Convolution extends WeightedModule {
  constructor(
    readonly nInputPlane: number,
    readonly nOutputPlane: number,
    readonly kW: number,
    readonly kH: number,
    readonly dW: number,
    readonly dH: number,
    readonly padW: number,
    readonly padH: number,
  ) {
    super();
    checkIntegers(this, { nInputPlane, nOutputPlane, kW, kH, dW, dH }, 1);
    checkIntegers(this, { padW, padH }, 0);
  }

  protected abstract readonly kernels: ConvolutionKernels;

  /** Output height and width for input x (may be < 1: `check` then rejects the input). */
  protected abstract outputSize(x: Tensor): [number, number];

  /** Why an input gives an empty output: what is wrong and the rule it breaks. */
  protected abstract emptyOutputError(h: number, w: number): [detail: string, rule: string];

  /** As Torch's reset: nInputPlane·kH·kW is the fan-in (for both layers). */
  protected override fans(): Fans {
    const area = this.kW * this.kH;
    return { fanIn: this.nInputPlane * area, fanOut: this.nOutputPlane * area };
  }

  /** The stride and padding in the tensor ops' [height, width] order. */
  protected options(): Conv2dOptions {
    return { stride: [this.dH, this.dW], padding: [this.padH, this.padW] };
  }

  /** The input as a tensor of this layer's shape, or a LayerError naming the layer. */
  protected check(input: Activity): Tensor {
    const x = expectTensor(this, input);
    expectShape(this, x, [['N', this.nInputPlane, 'H', 'W']]);
    const [h, w] = this.outputSize(x);
    if (h < 1 || w < 1) throw new LayerError(this, ...this.emptyOutputError(h, w), x.shape);
    return x;
  }

  /** The kept output for input x. */
  protected outputFor(x: Tensor): Tensor {
    return this.cache.get('output', [x.shape[0], this.nOutputPlane, ...this.outputSize(x)], x.dtype);
  }

  override updateOutput(input: Activity): Tensor {
    const x = this.check(input);
    return this.kernels.forward(x, this.weight, this.bias, this.options(), this.outputFor(x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = this.check(input);
    const dx = this.cache.like('gradInput', x);
    return this.kernels.backwardData(this.gradOutputTensor(gradOutput), this.weight, x.shape, this.options(), dx);
  }

  override accGradParameters(input: Activity, gradOutput: Activity): void {
    const x = this.check(input);
    const grads = { dw: this.gradWeight, db: this.gradBias, accumulate: true };
    this.kernels.backwardFilter(x, this.gradOutputTensor(gradOutput), this.weight.shape, this.options(), grads);
  }

  /** `nIn -> nOut, kWxkH, dW,dH, padW,padH` as Torch prints it. */
  protected geometry(): string {
    return `${this.nInputPlane} -> ${this.nOutputPlane}, ${this.kW}x${this.kH}, ${this.dW},${this.dH}, ${this.padW},${this.padH}`;
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }

  protected override describe(): string {
    return `${this.geometry()}${this.biasNote()}`;
  }
}
