import { type Tensor, conv2d, conv2dBackwardData, conv2dBackwardFilter, conv2dOutputSize } from '@funt/tensor';
import type { Activity } from './activity.js';
import { checkIntegers, expectShape, expectTensor } from './checks.js';
import { LayerError } from './errors.js';
import type { Fans } from './init.js';
import { WeightedModule } from './weighted.js';

/**
 * 2-D convolution over a batch [N, nInputPlane, H, W] (Torch's `nn.SpatialConvolution(nInputPlane,
 * nOutputPlane, kW, kH, dW, dH, padW, padH)`; note width before height, as in Torch).
 * weight is [nOutputPlane, nInputPlane, kH, kW], bias [nOutputPlane].
 */
export class SpatialConvolution extends WeightedModule {
  constructor(
    readonly nInputPlane: number,
    readonly nOutputPlane: number,
    readonly kW: number,
    readonly kH: number,
    readonly dW = 1,
    readonly dH = 1,
    readonly padW = 0,
    readonly padH = padW,
  ) {
    super();
    checkIntegers(this, { nInputPlane, nOutputPlane, kW, kH, dW, dH }, 1);
    checkIntegers(this, { padW, padH }, 0);
    this.createWeights([nOutputPlane, nInputPlane, kH, kW], [nOutputPlane]);
  }

  protected override fans(): Fans {
    const area = this.kW * this.kH;
    return { fanIn: this.nInputPlane * area, fanOut: this.nOutputPlane * area };
  }

  private get options() {
    return { stride: [this.dH, this.dW] as [number, number], padding: [this.padH, this.padW] as [number, number] };
  }

  private check(input: Activity): Tensor {
    const x = expectTensor(this, input);
    expectShape(this, x, [['N', this.nInputPlane, 'H', 'W']]);
    if (x.shape[2] + 2 * this.padH < this.kH || x.shape[3] + 2 * this.padW < this.kW) {
      throw new LayerError(this, `input (padded by ${this.padH}x${this.padW}) is smaller than the ${this.kH}x${this.kW} kernel`, `H + 2·padH >= ${this.kH} and W + 2·padW >= ${this.kW}`, x.shape);
    }
    return x;
  }

  override updateOutput(input: Activity): Tensor {
    const x = this.check(input);
    const shape = [
      x.shape[0],
      this.nOutputPlane,
      conv2dOutputSize(x.shape[2], this.kH, this.dH, this.padH),
      conv2dOutputSize(x.shape[3], this.kW, this.dW, this.padW),
    ];
    const y = this.workspace.get('output', shape, x.dtype);
    conv2d(x, this.weight, this.bias, this.options, y);
    return y;
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = this.check(input);
    const dy = this.gradOutputTensor(gradOutput);
    const dx = this.workspace.like('gradInput', x);
    conv2dBackwardData(dy, this.weight, x.shape, this.options, dx);
    return dx;
  }

  override accGradParameters(input: Activity, gradOutput: Activity): void {
    const x = this.check(input);
    const dy = this.gradOutputTensor(gradOutput);
    conv2dBackwardFilter(x, dy, this.weight.shape, this.options, { dw: this.gradWeight, db: this.gradBias, accumulate: true });
  }

  protected override describe(): string {
    return `${this.nInputPlane} -> ${this.nOutputPlane}, ${this.kW}x${this.kH}, ${this.dW},${this.dH}, ${this.padW},${this.padH}${this.biasNote()}`;
  }
}
