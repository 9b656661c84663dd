import type { Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { LayerError } from '../module/errors.js';
import type { Module } from '../module/module.js';
import type { PlanPolicy } from './memory-plan.js';
import type { PlannedActivity } from './plan-builder.js';
import { nextSibling } from './relu-fusion.js';

/** What a residual join needs of the sum (CAddTable): its ReLU fusion, which the module that adds applies. */
export interface JoinSum extends Module {
  readonly reluFusion: { produced(y: Tensor): void } | null;
}

/** What a residual join needs of the branches' container (ConcatTable). */
export interface JoinBranches extends Module {
  children(): Module[];
}

/**
 * A ResNet block's residual join, `Sequential(…, ConcatTable(body, shortcut), CAddTable, …)`,
 * computed by the module at the end of the body instead of the CAddTable: the ConcatTable runs
 * the shortcut first, that module adds the shortcut's output (and the join's fused ReLU) as it
 * writes its own output, and the CAddTable passes that output through. Two passes over the
 * block's output fewer. The kinds (when each applies, which module adds):
 * - ResidualFold (batch-norm-fold.ts, `foldBatchNorms`): in a planned evaluation pass, the
 *   convolution the body's last batch norm is folded into, in its epilogue;
 * - ResidualFusion (residual-fusion.ts, `fuseResidualJoins`): in training, the body's last
 *   batch norm, in its kernel.
 */
export abstract class ResidualJoin {
  /** During a joined forward: the shortcut branch's output, for the body's last module to add. */
  private shortcut: Tensor | null = null;
  /** During the plan's walk: the shortcut's planned output, which the adding module reads. */
  plannedShortcut: PlannedActivity = null;

  protected constructor(
    readonly branches: JoinBranches,
    readonly bodyIndex: number,
    readonly add: JoinSum,
    /** The body's last module, whose output holds the sum. */
    readonly last: Module,
  ) {}

  get shortcutIndex(): number {
    return 1 - this.bodyIndex;
  }

  /** Whether the join computes joined now (at run time) or in the plan being made (`policy`). */
  abstract applies(policy?: PlanPolicy): boolean;

  /** Undoes the link: the modules compute as written again. */
  abstract unlink(): void;

  /** The call that made the join, what it did, and the call that undoes it, for error messages. */
  protected abstract readonly madeBy: { make: string; did: string; undo: string };

  /** Called by the ConcatTable before a joined forward: throws unless the join still has its shape. */
  ensureAdjacent(): void {
    const body = this.branches.children()[this.bodyIndex];
    const last = body?.children().at(-1);
    const expected = nextSibling(this.branches.path);
    if (this.branches.children().length !== 2 || last !== this.last || this.add.path !== expected) {
      const { make, did, undo } = this.madeBy;
      throw new LayerError(
        this.branches,
        `no longer has the shape ${make} ${did} (two branches, the body ending in the ${this.last.typeName} that adds the shortcut, the CAddTable next); ` +
          `call ${undo}(model) before editing the model, then ${make}(model) again`,
      );
    }
  }

  /** Runs the branches shortcut first (the body's last module adds its output). */
  forwardBranches(run: (index: number) => Tensor): Tensor[] {
    const outputs: Tensor[] = [];
    this.shortcut = outputs[this.shortcutIndex] = run(this.shortcutIndex);
    try {
      outputs[this.bodyIndex] = run(this.bodyIndex);
    } finally {
      this.shortcut = null;
    }
    return outputs;
  }

  /** The shortcut's output while the ConcatTable runs the body, else null (the body called on its own). */
  protected runningShortcut(): Tensor | null {
    return this.shortcut;
  }

  /** The CAddTable's output in a joined pass: the body's, which already holds the sum (and the ReLU). */
  passThrough(inputs: Activity): Tensor {
    const y = (inputs as Tensor[])[this.bodyIndex];
    this.add.reluFusion?.produced(y);
    return y;
  }
}

/** The join of a ConcatTable or CAddTable that applies now (or in the plan for `policy`): its fold (evaluation) or its fusion (training). */
export function activeJoin(
  m: { readonly residualFold: ResidualJoin | null; readonly residualFusion: ResidualJoin | null },
  policy?: PlanPolicy,
): ResidualJoin | null {
  if (m.residualFold?.applies(policy)) return m.residualFold;
  if (m.residualFusion?.applies(policy)) return m.residualFusion;
  return null;
}
