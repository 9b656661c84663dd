import { add, addRelu, copy, type Tensor, threshold, thresholdBackward } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectSameShape, expectTable, expectTensor } from '../module/checks.js';
import { Module } from '../module/module.js';
import type { ResidualFold } from '../plan/batch-norm-fold.js';
import type { MemoryUse } from '../plan/memory-use.js';
import type { PlanBuilder, PlannedActivity } from '../plan/plan-builder.js';
import type { ReluFusion } from '../plan/relu-fusion.js';
import type { ResidualFusion } from '../plan/residual-fusion.js';
import { activeJoin } from '../plan/residual-join.js';

/**
 * Sums a table of same-shaped tensors (Torch's `nn.CAddTable`).
 *
 * Aliasing: the gradient w.r.t. every input is gradOutput itself, so `gradInput` is a table
 * holding the SAME tensor n times (Torch copies; we do not, to save a buffer and a pass per
 * residual block). Whoever consumes it must not write into it while another entry is still to
 * be read; `ConcatTable` takes care of that for branches that end in an in-place module.
 *
 * With `inPlace` the sum is written into the first input (Torch's `ip`).
 *
 * Fused with the ReLU after it (`fuseActivations`, the residual join of a ResNet block), the
 * last addition also rectifies (one pass fewer), and the backward masks gradOutput by
 * [output > 0] itself: in place, as the ReLU did, when that ReLU was in place.
 *
 * As a residual join, it passes the body's output through where the body's last module added
 * the shortcut (and the ReLU): folded (`foldBatchNorms`), in an evaluation pass of a model, the
 * convolution the body's last batch norm is folded into (plan/batch-norm-fold.ts); fused
 * (`fuseResidualJoins`), in training, the body's last batch norm (plan/residual-fusion.ts).
 */
export class CAddTable extends Module {
  static readonly typeName: string = 'CAddTable';
  /**
   * Set by fuseActivations when this module applies the ReLU that follows it.
   * Left out of the API reference: only fuseActivations and unfuseActivations manage it.
   *
   * @internal
   */
  reluFusion: ReluFusion | null = null;
  /**
   * Set by foldBatchNorms when the body's last convolution computes this sum in evaluation.
   *
   * @internal
   */
  residualFold: ResidualFold | null = null;
  /**
   * Set by fuseResidualJoins when the body's last batch norm computes this sum in training.
   *
   * @internal
   */
  residualFusion: ResidualFusion | null = null;
  private readonly grads: Tensor[] = [];

  constructor(readonly inPlace = false) {
    super();
  }

  override updateOutput(input: Activity): Tensor {
    const xs = expectTable(this, input);
    xs.forEach((x, i) => expectSameShape(this, xs[0], x, `input ${i}`));
    const fusion = this.reluFusion;
    fusion?.ensureAdjacent();
    if (this.residualFold?.applies()) return this.residualFold.passThrough(xs);
    if (this.residualFusion?.passesThrough(xs)) return this.residualFusion.passThrough(xs);
    const out = this.inPlace ? xs[0] : this.cache.like('output', xs[0]);
    const last = xs.length - 1;
    if (last === 0 && fusion) threshold(xs[0], 0, 0, out);
    else if (last === 0 && out !== xs[0]) copy(xs[0], out);
    for (let i = 1; i <= last; i++) (fusion && i === last ? addRelu : add)(i === 1 ? xs[0] : out, xs[i], out);
    fusion?.produced(out);
    return out;
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor[] {
    const xs = expectTable(this, input);
    const dy = expectTensor(this, gradOutput, 'gradOutput');
    expectSameShape(this, xs[0], dy, 'gradOutput');
    const fusion = this.reluFusion;
    const g = fusion
      ? thresholdBackward(
          fusion.rectified(),
          dy,
          0,
          fusion.relu.writesGradOutput() ? dy : this.cache.like('gradInput', dy),
        )
      : dy;
    this.grads.length = xs.length;
    this.grads.fill(g);
    return this.grads;
  }

  override memoryUse(): MemoryUse {
    const relu = this.reluFusion?.relu ?? null;
    return {
      // In place the sum is the first input; for the memory plan, the whole input table flows on.
      output: this.inPlace ? 'input' : 'cache',
      // gradOutput itself, once per input (fused with an out-of-place ReLU: the masked copy).
      gradInput: relu === null || relu.writesGradOutput() ? 'gradOutput' : 'cache',
      // Backward looks at the inputs' shapes only; fused with a ReLU, it masks by the output.
      backwardReads: { input: false, output: relu !== null },
      // Fused with an in-place ReLU, the mask is written into gradOutput, as that ReLU did.
      writesGradOutput: relu?.writesGradOutput() ?? false,
    };
  }

  /** As a residual join (folded, fused), the pass returns the body's output, which flows on alone. */
  override planForward(plan: PlanBuilder, input: PlannedActivity): PlannedActivity {
    const join = activeJoin(this, plan.policy);
    if (!join || !Array.isArray(input)) return plan.forwardOf(this, this.memoryUse(), this.cache, input);
    plan.remember(this, input);
    plan.read(input, plan.tick());
    return plan.produced(this, input[join.bodyIndex]);
  }

  protected override describe(): string {
    return this.inPlace ? 'inPlace' : '';
  }
}
