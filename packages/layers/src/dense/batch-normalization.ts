import {
  batchNormApply,
  batchNormBackward,
  batchNormInvStd,
  batchNormTrain,
  fill,
  ones,
  type Tensor,
  zeros,
} from '@funt/tensor';
import { defaultRng } from '../init/default-rng.js';
import { type InitOptions, uniformUnit } from '../init/initializers.js';
import type { Activity } from '../module/activity.js';
import { checkIntegers, expectShape, expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Module } from '../module/module.js';
import type { BatchNormFold } from '../plan/batch-norm-fold.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';
import type { PlanBuilder, PlannedActivity } from '../plan/plan-builder.js';
import type { ReluFusion } from '../plan/relu-fusion.js';
import type { ResidualFusion } from '../plan/residual-fusion.js';

/**
 * Batch normalisation of [N, C] features per channel (Torch's `nn.BatchNormalization(nOutput,
 * eps = 1e-5, momentum = 0.1, affine = true)`); `SpatialBatchNormalization` is the same over
 * [N, C, H, W].
 *
 * Training normalises with the batch mean and the BIASED batch variance, and updates the
 * running estimates as running = (1 − momentum)·running + momentum·batch with the UNBIASED
 * variance (Torch's rule). Evaluation normalises with the running estimates. With `affine` the
 * result is scaled by `weight` (γ) and shifted by `bias` (β).
 *
 * Fused with the ReLU after it (`fuseActivations`), it outputs relu(BN(x)) from the same
 * kernel and masks the gradient by [output > 0] inside its backward kernel (plan/relu-fusion.ts).
 * Folded into the convolution before it (`foldBatchNorms`), an evaluation pass of a model
 * passes the convolution's output through: the convolution computed this module
 * (plan/batch-norm-fold.ts). Ending the body of a residual join fused for training
 * (`fuseResidualJoins`), its training forward adds the shortcut's output (and the join's ReLU):
 * its `output` is then the block's (plan/residual-fusion.ts).
 */
export class BatchNormalization extends Module {
  static readonly typeName: string = 'BatchNormalization';
  /**
   * Set by fuseActivations when this module applies the ReLU that follows it.
   * Left out of the API reference: only fuseActivations and unfuseActivations manage it.
   *
   * @internal
   */
  reluFusion: ReluFusion | null = null;
  /**
   * Set by foldBatchNorms when the convolution before this module computes it in evaluation.
   *
   * @internal
   */
  batchNormFold: BatchNormFold | null = null;
  /**
   * Set by fuseResidualJoins when this module ends a residual join's body and adds its shortcut in training.
   *
   * @internal
   */
  residualFusion: ResidualFusion | null = null;

  /** Rank of the input: 2 here, 4 for the spatial version. */
  protected readonly nDim: number = 2;
  /** Whether the last forward used batch statistics (backward must match it). */
  private forwardTrained = true;

  constructor(
    readonly nOutput: number,
    readonly eps = 1e-5,
    readonly momentum = 0.1,
    readonly affine = true,
  ) {
    super();
    checkIntegers(this, { nOutput }, 1);
    if (!(eps > 0)) throw new LayerError(this, `eps must be positive, got ${eps}`);
    if (!(momentum >= 0 && momentum <= 1)) throw new LayerError(this, `momentum must be in [0, 1], got ${momentum}`);
    if (affine) {
      this.addParameter('weight', [nOutput]);
      this.addParameter('bias', [nOutput]);
    }
    this.addBuffer('running_mean', zeros([nOutput]));
    this.addBuffer('running_var', ones([nOutput]));
    this.reset();
  }

  get weight(): Tensor | null {
    return this.parameter('weight')?.value ?? null;
  }
  get gradWeight(): Tensor | null {
    return this.parameter('weight')?.grad ?? null;
  }
  get bias(): Tensor | null {
    return this.parameter('bias')?.value ?? null;
  }
  get gradBias(): Tensor | null {
    return this.parameter('bias')?.grad ?? null;
  }
  get runningMean(): Tensor {
    return this.buffer('running_mean').value;
  }
  get runningVar(): Tensor {
    return this.buffer('running_var').value;
  }

  /** γ as Torch (uniform in [0, 1)) unless `normWeight` says otherwise, β = 0, running mean 0 and variance 1. */
  override reset(options: InitOptions = {}): this {
    const weight = this.weight;
    if (weight) (options.normWeight ?? uniformUnit)(weight, { fanIn: 1, fanOut: 1 }, options.rng ?? defaultRng());
    if (this.bias) fill(this.bias, 0);
    fill(this.runningMean, 0);
    fill(this.runningVar, 1);
    return this;
  }

  private check(input: Activity): Tensor {
    const x = expectTensor(this, input);
    const dims = this.nDim === 2 ? ['N', this.nOutput] : ['N', this.nOutput, 'H', 'W'];
    expectShape(this, x, [dims]);
    return x;
  }

  override updateOutput(input: Activity): Tensor {
    const x = this.check(input);
    const fusion = this.reluFusion;
    fusion?.ensureAdjacent();
    if (this.batchNormFold?.applies()) {
      this.forwardTrained = false;
      return this.batchNormFold.passThrough(x);
    }
    const relu = fusion !== null;
    const y = this.cache.like('output', x);
    this.forwardTrained = this.isTraining;
    if (!this.isTraining) {
      // The running statistics' invStd goes into the cache: evaluation allocates nothing per call.
      const [mean, invStd] = this.statistics();
      batchNormApply(x, this.weight, this.bias, mean, invStd, y, relu);
    } else {
      if (x.size / this.nOutput <= 1) {
        throw new LayerError(
          this,
          'training needs more than one value per channel (the unbiased variance divides by count - 1)',
          'N·H·W > 1',
          x.shape,
        );
      }
      const join = this.residualFusion;
      const residual = join?.residual() ?? null;
      batchNormTrain(x, this.weight, this.bias, {
        runningMean: this.runningMean,
        runningVar: this.runningVar,
        momentum: this.momentum,
        eps: this.eps,
        out: y,
        saveMean: this.cache.like('saveMean', this.runningMean),
        saveInvStd: this.cache.like('saveInvStd', this.runningMean),
        relu: relu || (residual !== null && join!.relu()),
        residual,
      });
      join?.produced(residual ? y : null);
    }
    fusion?.produced(y);
    return y;
  }

  /** The statistics the last forward normalised with: the batch's, or the running ones (as mean and 1/√(var+ε)). */
  private statistics(): [Tensor, Tensor] {
    if (this.forwardTrained)
      return [this.cache.like('saveMean', this.runningMean), this.cache.like('saveInvStd', this.runningMean)];
    const invStd = batchNormInvStd(this.runningVar, this.eps, this.cache.like('evalInvStd', this.runningVar));
    return [this.runningMean, invStd];
  }

  /** dx and/or the parameter gradients in one kernel call; null skips one. */
  private gradients(input: Activity, gradOutput: Activity, withInput: boolean, withParams: boolean): Tensor | null {
    const x = this.check(input);
    const dy = this.gradOutputTensor(gradOutput);
    const [mean, invStd] = this.statistics();
    const dx = withInput ? this.cache.like('gradInput', x) : null;
    const params = withParams && this.affine;
    const grads = { dx, dgamma: params ? this.gradWeight : null, dbeta: params ? this.gradBias : null };
    batchNormBackward(
      x,
      dy,
      this.weight,
      mean,
      invStd,
      this.forwardTrained,
      grads,
      this.reluFusion?.rectified() ?? null,
    );
    return dx;
  }

  override backward(input: Activity, gradOutput: Activity): Tensor {
    const dx = this.gradients(input, gradOutput, true, true)!;
    this.gradInput = dx;
    return dx;
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    return this.gradients(input, gradOutput, true, false)!;
  }

  override accGradParameters(input: Activity, gradOutput: Activity): void {
    if (this.affine) this.gradients(input, gradOutput, false, true);
  }

  /** Backward reads x, and the output only when fused with a ReLU (its positive entries are the mask). */
  override memoryUse(): MemoryUse {
    return { ...cachedOutputAndGradient, backwardReads: { input: true, output: this.reluFusion !== null } };
  }

  /** Folded into its convolution, an evaluation pass returns the input; ending a fused residual join's body, training reads the shortcut's output too. */
  override planForward(plan: PlanBuilder, input: PlannedActivity): PlannedActivity {
    const use = this.memoryUse();
    const folded = this.batchNormFold?.applies(plan.policy) ?? false;
    const join = this.residualFusion;
    const shortcut = join?.applies(plan.policy) ? join.plannedShortcut : null;
    return plan.forwardOf(this, folded ? { ...use, output: 'input' } : use, this.cache, input, shortcut);
  }

  protected override describe(): string {
    return `${this.nOutput}, eps ${this.eps}, momentum ${this.momentum}${this.affine ? '' : ', not affine'}`;
  }
}
