import { type Tensor, convTranspose2d, convTranspose2dBackwardData, convTranspose2dBackwardFilter } from '@funt/tensor';
import type { Activity } from './activity.js';
import { checkIntegers, expectShape, expectTensor } from './checks.js';
import { LayerError } from './errors.js';
import type { Fans } from './init.js';
import { WeightedModule } from './weighted.js';

/**
 * Transposed ("full") convolution (Torch's `nn.SpatialFullConvolution(nInputPlane, nOutputPlane,
 * kW, kH, dW, dH, padW, padH, adjW, adjH)`): the gradient of a convolution w.r.t. its input
 * used as a layer, for upsampling. Output size (H−1)·dH − 2·padH + kH + adjH; adj < stride
 * picks among the input sizes a strided convolution maps to the same output.
 * weight is [nInputPlane, nOutputPlane, kH, kW] (Torch's layout), bias [nOutputPlane].
 */
export class SpatialFullConvolution extends WeightedModule {
  constructor(
    readonly nInputPlane: number,
    readonly nOutputPlane: number,
    readonly kW: number,
    readonly kH: number,
    readonly dW = 1,
    readonly dH = 1,
    readonly padW = 0,
    readonly padH = 0,
    readonly adjW = 0,
    readonly adjH = 0,
  ) {
    super();
    checkIntegers(this, { nInputPlane, nOutputPlane, kW, kH, dW, dH }, 1);
    checkIntegers(this, { padW, padH, adjW, adjH }, 0);
    if (adjW >= dW || adjH >= dH) throw new LayerError(this, `adjW/adjH must be smaller than dW/dH, got adj ${adjW},${adjH} for stride ${dW},${dH}`);
    this.createWeights([nInputPlane, nOutputPlane, kH, kW], [nOutputPlane]);
  }

  /** As Torch's reset: nInputPlane·kH·kW is the fan-in. */
  protected override fans(): Fans {
    const area = this.kW * this.kH;
    return { fanIn: this.nInputPlane * area, fanOut: this.nOutputPlane * area };
  }

  private get options() {
    return {
      stride: [this.dH, this.dW] as [number, number],
      padding: [this.padH, this.padW] as [number, number],
      outputPadding: [this.adjH, this.adjW] as [number, number],
    };
  }

  private check(input: Activity): Tensor {
    const x = expectTensor(this, input);
    expectShape(this, x, [['N', this.nInputPlane, 'H', 'W']]);
    const [h, w] = this.outputSize(x);
    if (h < 1 || w < 1) throw new LayerError(this, `output would be ${h}x${w}: padding too large for this input`, `(H-1)·${this.dH} - 2·${this.padH} + ${this.kH + this.adjH} >= 1`, x.shape);
    return x;
  }

  private outputSize(x: Tensor): [number, number] {
    return [
      (x.shape[2] - 1) * this.dH - 2 * this.padH + this.kH + this.adjH,
      (x.shape[3] - 1) * this.dW - 2 * this.padW + this.kW + this.adjW,
    ];
  }

  override updateOutput(input: Activity): Tensor {
    const x = this.check(input);
    const y = this.workspace.get('output', [x.shape[0], this.nOutputPlane, ...this.outputSize(x)], x.dtype);
    convTranspose2d(x, this.weight, this.bias, this.options, y);
    return y;
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = this.check(input);
    const dy = this.gradOutputTensor(gradOutput);
    const dx = this.workspace.like('gradInput', x);
    convTranspose2dBackwardData(dy, this.weight, x.shape, this.options, dx);
    return dx;
  }

  override accGradParameters(input: Activity, gradOutput: Activity): void {
    const x = this.check(input);
    const dy = this.gradOutputTensor(gradOutput);
    convTranspose2dBackwardFilter(x, dy, this.weight.shape, this.options, { dw: this.gradWeight, db: this.gradBias, accumulate: true });
  }

  protected override describe(): string {
    const adj = this.adjW || this.adjH ? `, ${this.adjW},${this.adjH}` : '';
    return `${this.nInputPlane} -> ${this.nOutputPlane}, ${this.kW}x${this.kH}, ${this.dW},${this.dH}, ${this.padW},${this.padH}${adj}${this.biasNote()}`;
  }
}
