import type { Tensor } from '@funt/tensor';
import type { Module } from '../module/module.js';
import { type PlanPolicy, runningPlan } from './memory-plan.js';
import { type JoinBranches, type JoinSum, ResidualJoin } from './residual-join.js';

/** What a residual fusion needs of the body's last batch norm (BatchNormalization). */
export interface FusedNorm extends Module {
  residualFusion: ResidualFusion | null;
  /** Its own fused ReLU (fuseActivations): a batch norm with one is not joined. */
  readonly reluFusion: object | null;
}
export interface FusedSum extends JoinSum {
  residualFusion: ResidualFusion | null;
}
export interface FusedBranches extends JoinBranches {
  residualFusion: ResidualFusion | null;
}

/**
 * The residual join of a ResNet block in training (residual-join.ts, made by
 * `fuseResidualJoins`): `Sequential(ConcatTable(body, shortcut), CAddTable)` where the body ends
 * in a batch norm without a ReLU of its own. In a training forward the ConcatTable runs the
 * shortcut first, the batch norm adds the shortcut's output (and the join's fused ReLU) in its
 * kernel (batchNormTrain's `residual`), and the CAddTable passes the batch norm's output
 * through: the same bits as the unfused sum, two passes over the block's output fewer. The
 * batch norm's `output` then holds the block's output. Backward is unchanged: the CAddTable
 * hands its gradOutput to both branches, and the batch norm's backward reads its input only.
 *
 * Called on its own, the body computes as written (the batch norm finds no shortcut to add),
 * and the CAddTable passes through only the output the batch norm joined in this forward.
 */
export class ResidualFusion extends ResidualJoin {
  protected readonly madeBy = { make: 'fuseResidualJoins', did: 'fused', undo: 'unfuseResidualJoins' };
  /** The batch norm's output of the current forward when it added the shortcut, else null. */
  private joined: Tensor | null = null;

  private constructor(
    override readonly branches: FusedBranches,
    bodyIndex: number,
    override readonly add: FusedSum,
    readonly norm: FusedNorm,
  ) {
    super(branches, bodyIndex, add, norm);
  }

  static link(branches: FusedBranches, bodyIndex: number, add: FusedSum, norm: FusedNorm): ResidualFusion {
    const join = new ResidualFusion(branches, bodyIndex, add, norm);
    branches.residualFusion = join;
    add.residualFusion = join;
    norm.residualFusion = join;
    return join;
  }

  unlink(): void {
    this.branches.residualFusion = null;
    this.add.residualFusion = null;
    this.norm.residualFusion = null;
  }

  /** Joins now (or in the plan for `policy`): a training pass, every module training, the batch norm without a ReLU of its own. */
  applies(policy: PlanPolicy | undefined = runningPlan()?.policy): boolean {
    return (
      (policy === undefined || policy === 'train') &&
      this.norm.reluFusion === null &&
      [this.branches, this.add, this.norm].every((m) => m.isTraining)
    );
  }

  override forwardBranches(run: (index: number) => Tensor): Tensor[] {
    this.joined = null;
    return super.forwardBranches(run);
  }

  /** For the batch norm's forward: the shortcut output to add, or null (the join does not apply, or the body runs on its own). */
  residual(): Tensor | null {
    return this.applies() ? this.runningShortcut() : null;
  }

  /** Whether the batch norm applies the join's ReLU: the CAddTable's fused one (fuseActivations). */
  relu(): boolean {
    return this.add.reluFusion !== null;
  }

  /** Called by the batch norm after each forward: its output, when it added the shortcut, else null. */
  produced(joined: Tensor | null): void {
    this.joined = joined;
  }

  /** Whether the CAddTable's inputs hold the batch norm's joined output, which it then passes through. */
  passesThrough(inputs: readonly Tensor[]): boolean {
    return this.joined !== null && inputs.length === 2 && inputs[this.bodyIndex] === this.joined && this.applies();
  }
}
