import { add, batchNormInvStd, mul, sub, type Tensor } from '@funt/tensor';
import { LayerError } from '../module/errors.js';
import type { Module } from '../module/module.js';
import type { TensorCache } from '../module/tensor-cache.js';
import { type PlanPolicy, runningPlan } from './memory-plan.js';
import type { PlannedActivity } from './plan-builder.js';
import { nextSibling } from './relu-fusion.js';
import { type JoinBranches, type JoinSum, ResidualJoin } from './residual-join.js';

/** What a fold needs of the convolution (SpatialConvolution). */
export interface FoldedConvolution extends Module {
  batchNormFold: BatchNormFold | null;
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly nOutputPlane: number;
}

/** What a fold needs of the batch norm (SpatialBatchNormalization). */
export interface FoldedNorm extends Module {
  batchNormFold: BatchNormFold | null;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly eps: number;
  /** The ReLU fused into it (fuseActivations), which the folded convolution then applies. */
  readonly reluFusion: { produced(y: Tensor): void } | null;
}

/** What a residual fold needs of the join (CAddTable) and of the branches' container (ConcatTable). */
export interface FoldedJoin extends JoinSum {
  residualFold: ResidualFold | null;
}
export interface FoldedBranches extends JoinBranches {
  residualFold: ResidualFold | null;
}

/**
 * Whether a fold computes now: in a planned evaluation pass (`runningPlan().policy === 'eval'`)
 * with its modules in evaluation mode. Outside a model's planned pass (a child called on its own,
 * `planMemory(false)`) and in the 'eval-keep' pass that precedes a backward (saliency maps,
 * gradient checks: backward reads the intermediates), every module computes as written.
 */
function folding(policy: PlanPolicy | undefined, modules: readonly Module[]): boolean {
  return policy === 'eval' && modules.every((m) => !m.isTraining);
}

/**
 * The link between a convolution and the batch norm that directly follows it (made by
 * `foldBatchNorms`, fold-batch-norms.ts). In an evaluation pass the batch norm is an affine map
 * per channel, y = γ·(conv(x) + b − μ)/√(σ² + ε) + β, so the convolution computes it with
 * folded weights w·s and bias β + (b − μ)·s (s = γ/√(σ² + ε)), applying the batch norm's fused
 * ReLU in its epilogue, and the batch norm passes its input through: one pass over the
 * activation fewer, the same values to float32 round-off. The folded weights are computed at
 * every folded forward (a few thousand multiplies per layer), so they always follow the
 * parameters and running statistics. Training is not touched.
 */
export class BatchNormFold {
  /** The residual join fused into the convolution's epilogue, when the batch norm ends a block's body. */
  join: ResidualFold | null = null;

  private constructor(
    readonly conv: FoldedConvolution,
    readonly norm: FoldedNorm,
  ) {}

  static link(conv: FoldedConvolution, norm: FoldedNorm): BatchNormFold {
    const fold = new BatchNormFold(conv, norm);
    conv.batchNormFold = fold;
    norm.batchNormFold = fold;
    return fold;
  }

  unlink(): void {
    this.join?.unlink();
    this.conv.batchNormFold = null;
    this.norm.batchNormFold = null;
  }

  /** Whether the pair computes folded now (at run time) or in the plan being made (`policy`). */
  applies(policy: PlanPolicy | undefined = runningPlan()?.policy): boolean {
    return folding(policy, [this.conv, this.norm]);
  }

  /** Called by the convolution before a folded forward: throws unless the batch norm still directly follows it. */
  ensureAdjacent(): void {
    const expected = nextSibling(this.conv.path);
    if (this.norm.path !== expected) {
      throw new LayerError(
        this.conv,
        `is folded with the ${this.norm.typeName} that followed it (foldBatchNorms), which is now at '${this.norm.path}', ` +
          `not at '${expected ?? '(no sibling: the convolution is a root)'}'; call unfoldBatchNorms(model) before editing the model, then foldBatchNorms(model) again`,
      );
    }
  }

  /** The folded weight [O, C, kH, kW] and bias [O], written into the convolution's `cache`. */
  folded(cache: TensorCache): { weight: Tensor; bias: Tensor } {
    const { conv, norm } = this;
    const channels = [conv.nOutputPlane, 1, 1, 1];
    const invStd = batchNormInvStd(norm.runningVar, norm.eps, cache.like('fold.scale', norm.runningVar));
    const scale = norm.weight ? mul(invStd, norm.weight, invStd) : invStd;
    const perChannel = scale.reshape(channels);
    const weight = mul(conv.weight, perChannel, cache.like('fold.weight', conv.weight));
    perChannel.dispose();
    const shift = cache.like('fold.bias', norm.runningMean);
    if (conv.bias) sub(conv.bias, norm.runningMean, shift);
    else mul(norm.runningMean, -1, shift);
    mul(shift, scale, shift);
    if (norm.bias) add(shift, norm.bias, shift);
    return { weight, bias: shift };
  }

  /** The residual the convolution adds (its block's shortcut output), when the join folds now. */
  residual(): Tensor | null {
    return this.join?.applies() ? this.join.shortcutOutput() : null;
  }

  /** Whether the convolution's epilogue rectifies: the batch norm's fused ReLU, or the join's. */
  relu(): boolean {
    return this.join?.applies() ? this.join.add.reluFusion !== null : this.norm.reluFusion !== null;
  }

  /** Called by the batch norm in a folded pass: its output is its input (the convolution's, folded). */
  passThrough(x: Tensor): Tensor {
    this.norm.reluFusion?.produced(x);
    return x;
  }

  /** For the plan: what the convolution reads besides its input in a folded pass (the shortcut's output). */
  plannedResidual(policy: PlanPolicy): PlannedActivity {
    return this.join?.applies(policy) ? this.join.plannedShortcut : null;
  }
}

/**
 * The residual join of a ResNet block, folded (residual-join.ts): `Sequential(ConcatTable(body,
 * shortcut), CAddTable)` where the body ends in a batch norm folded into its convolution (without
 * a ReLU of its own). In an evaluation pass the ConcatTable runs the shortcut first, the body's
 * last convolution adds the shortcut's output (and the join's fused ReLU) in its epilogue, and
 * the CAddTable passes the body's output through.
 */
export class ResidualFold extends ResidualJoin {
  protected readonly madeBy = { make: 'foldBatchNorms', did: 'folded', undo: 'unfoldBatchNorms' };

  private constructor(
    override readonly branches: FoldedBranches,
    bodyIndex: number,
    override readonly add: FoldedJoin,
    readonly fold: BatchNormFold,
  ) {
    super(branches, bodyIndex, add, fold.norm);
  }

  static link(branches: FoldedBranches, bodyIndex: number, add: FoldedJoin, fold: BatchNormFold): ResidualFold {
    const join = new ResidualFold(branches, bodyIndex, add, fold);
    branches.residualFold = join;
    add.residualFold = join;
    fold.join = join;
    return join;
  }

  unlink(): void {
    this.branches.residualFold = null;
    this.add.residualFold = null;
    this.fold.join = null;
  }

  /** Folds now (or in the plan for `policy`): every module in evaluation, and the body's batch norm without a ReLU of its own. */
  applies(policy: PlanPolicy | undefined = runningPlan()?.policy): boolean {
    return (
      this.fold.norm.reluFusion === null &&
      folding(policy, [this.branches, this.add, this.fold.conv, this.fold.norm]) &&
      this.fold.conv.batchNormFold === this.fold
    );
  }

  shortcutOutput(): Tensor {
    const shortcut = this.runningShortcut();
    if (shortcut === null)
      throw new LayerError(
        this.fold.conv,
        'a folded residual join ran without its ConcatTable (call the model, not the block)',
      );
    return shortcut;
  }
}
