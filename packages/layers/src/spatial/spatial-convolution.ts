import { conv2d, conv2dBackwardData, conv2dBackwardFilter, conv2dOutputSize, type Tensor } from '@funt/tensor';
import { Convolution, type ConvolutionKernels } from './convolution.js';

const kernels: ConvolutionKernels = {
  forward: conv2d,
  backwardData: conv2dBackwardData,
  backwardFilter: conv2dBackwardFilter,
};

/**
 * 2-D convolution over a batch [N, nInputPlane, H, W] (Torch's `nn.SpatialConvolution(nInputPlane,
 * nOutputPlane, kW, kH, dW, dH, padW, padH)`; note width before height, as in Torch).
 * weight is [nOutputPlane, nInputPlane, kH, kW], bias [nOutputPlane].
 */
export class SpatialConvolution extends Convolution {
  static readonly typeName: string = 'SpatialConvolution';
  protected readonly kernels = kernels;

  constructor(
    nInputPlane: number,
    nOutputPlane: number,
    kW: number,
    kH: number,
    dW = 1,
    dH = 1,
    padW = 0,
    padH = padW,
  ) {
    super(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH);
    this.createWeights([nOutputPlane, nInputPlane, kH, kW], [nOutputPlane]);
  }

  protected outputSize(x: Tensor): [number, number] {
    return [
      conv2dOutputSize(x.shape[2], this.kH, this.dH, this.padH),
      conv2dOutputSize(x.shape[3], this.kW, this.dW, this.padW),
    ];
  }

  protected emptyOutputError(): [string, string] {
    return [
      `input (padded by ${this.padH}x${this.padW}) is smaller than the ${this.kH}x${this.kW} kernel`,
      `H + 2·padH >= ${this.kH} and W + 2·padW >= ${this.kW}`,
    ];
  }
}
