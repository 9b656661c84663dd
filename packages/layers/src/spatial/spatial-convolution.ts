import { conv2d, conv2dBackwardData, conv2dBackwardFilter, conv2dOutputSize, Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import type { BatchNormFold } from '../plan/batch-norm-fold.js';
import type { PlanBuilder, PlannedActivity } from '../plan/plan-builder.js';
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
 *
 * Folded with the batch norm after it (`foldBatchNorms`), an evaluation pass of a model computes
 * that batch norm here, with folded weights and bias, its ReLU and a residual join in the
 * convolution's epilogue (plan/batch-norm-fold.ts).
 */
export class SpatialConvolution extends Convolution {
  static readonly typeName: string = 'SpatialConvolution';
  protected readonly kernels = kernels;
  /**
   * Set by foldBatchNorms when this convolution computes the batch norm after it in evaluation.
   *
   * @internal
   */
  batchNormFold: BatchNormFold | null = null;

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

  /** Every output value is a dot product of nInputPlane·kH·kW weights with the input. */
  override multiplyAccumulates(): number {
    return this.output instanceof Tensor ? this.output.size * this.nInputPlane * this.kH * this.kW : 0;
  }

  override updateOutput(input: Activity): Tensor {
    const fold = this.batchNormFold;
    if (!fold?.applies()) return super.updateOutput(input);
    fold.ensureAdjacent();
    const x = this.check(input);
    const { weight, bias } = fold.folded(this.cache);
    const epilogue = { residual: fold.residual() ?? undefined, relu: fold.relu() };
    return conv2d(x, weight, bias, { ...this.options(), ...epilogue }, this.outputFor(x));
  }

  /** A folded convolution also reads its block's shortcut output (the residual it adds). */
  override planForward(plan: PlanBuilder, input: PlannedActivity): PlannedActivity {
    const residual = this.batchNormFold?.plannedResidual(plan.policy) ?? null;
    return plan.forwardOf(this, this.memoryUse(), this.cache, input, residual);
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
