import {
  type ConvTranspose2dOptions,
  convTranspose2d,
  convTranspose2dBackwardData,
  convTranspose2dBackwardFilter,
  convTranspose2dOutputSize,
  Tensor,
} from '@funt/tensor';
import { checkIntegers } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Convolution, type ConvolutionKernels } from './convolution.js';

const kernels: ConvolutionKernels = {
  forward: convTranspose2d,
  backwardData: convTranspose2dBackwardData,
  backwardFilter: convTranspose2dBackwardFilter,
};

/**
 * Transposed ("full") convolution (Torch's `nn.SpatialFullConvolution(nInputPlane, nOutputPlane,
 * kW, kH, dW, dH, padW, padH, adjW, adjH)`): the gradient of a convolution w.r.t. its input
 * used as a layer, for upsampling. Output size (H−1)·dH − 2·padH + kH + adjH; adj < stride
 * picks among the input sizes a strided convolution maps to the same output.
 * weight is [nInputPlane, nOutputPlane, kH, kW] (Torch's layout), bias [nOutputPlane].
 */
export class SpatialFullConvolution extends Convolution {
  static readonly typeName: string = 'SpatialFullConvolution';
  protected readonly kernels = kernels;

  constructor(
    nInputPlane: number,
    nOutputPlane: number,
    kW: number,
    kH: number,
    dW = 1,
    dH = 1,
    padW = 0,
    padH = 0,
    readonly adjW = 0,
    readonly adjH = 0,
  ) {
    super(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH);
    checkIntegers(this, { adjW, adjH }, 0);
    if (adjW >= dW || adjH >= dH)
      throw new LayerError(
        this,
        `adjW/adjH must be smaller than dW/dH, got adj ${adjW},${adjH} for stride ${dW},${dH}`,
      );
    this.createWeights([nInputPlane, nOutputPlane, kH, kW], [nOutputPlane]);
  }

  /** Every input value is multiplied by nOutputPlane·kH·kW weights (the transpose of a convolution's dot products). */
  override multiplyAccumulates(): number {
    if (!(this.output instanceof Tensor)) return 0;
    const [n, , h, w] = this.output.shape;
    const inH = (h + 2 * this.padH - this.kH - this.adjH) / this.dH + 1;
    const inW = (w + 2 * this.padW - this.kW - this.adjW) / this.dW + 1;
    return n * inH * inW * this.nInputPlane * this.nOutputPlane * this.kH * this.kW;
  }

  /** The stride, padding and output padding (adjW, adjH) in the tensor ops' [height, width] order. */
  protected override options(): ConvTranspose2dOptions {
    return { ...super.options(), outputPadding: [this.adjH, this.adjW] };
  }

  protected outputSize(x: Tensor): [number, number] {
    return [
      convTranspose2dOutputSize(x.shape[2], this.kH, this.dH, this.padH, this.adjH),
      convTranspose2dOutputSize(x.shape[3], this.kW, this.dW, this.padW, this.adjW),
    ];
  }

  protected emptyOutputError(h: number, w: number): [string, string] {
    return [
      `output would be ${h}x${w}: padding too large for this input`,
      `(H-1)·${this.dH} - 2·${this.padH} + ${this.kH + this.adjH} >= 1`,
    ];
  }

  protected override describe(): string {
    const adj = this.adjW || this.adjH ? `, ${this.adjW},${this.adjH}` : '';
    return `${this.geometry()}${adj}${this.biasNote()}`;
  }
}
