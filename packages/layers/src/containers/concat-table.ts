import { add, copy, Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectSameShape, expectTable, shapeOf } from '../module/checks.js';
import { Container } from '../module/container.js';
import { LayerError } from '../module/errors.js';
import type { Module } from '../module/module.js';
import type { ResidualFold } from '../plan/batch-norm-fold.js';
import type { PlanBuilder, PlannedActivity } from '../plan/plan-builder.js';
import type { ResidualFusion } from '../plan/residual-fusion.js';
import { activeJoin } from '../plan/residual-join.js';

/**
 * Applies every branch to the same input and outputs the table of their outputs (Torch's
 * `nn.ConcatTable`). The gradient w.r.t. the input is the sum of the branches' gradInputs,
 * written into one buffer kept across calls (one buffer per entry when the input is a table).
 *
 * When the incoming gradOutputs are one shared tensor (a `CAddTable` after this container hands
 * the same gradOutput to every input) and a branch writes into its gradOutput (it ends with an
 * in-place ReLU), that branch gets a private copy so the other branches still read the
 * original.
 *
 * As the branches of a residual join, the shortcut runs first, whose output the body's last
 * module adds: folded (`foldBatchNorms`), in an evaluation pass of a model, the body's last
 * convolution in its epilogue (plan/batch-norm-fold.ts); fused (`fuseResidualJoins`), in
 * training, the body's last batch norm in its kernel (plan/residual-fusion.ts).
 */
export class ConcatTable extends Container {
  static readonly typeName: string = 'ConcatTable';
  private readonly outputs: Tensor[] = [];
  /**
   * Set by foldBatchNorms when this container's branches are a folded residual join's.
   *
   * @internal
   */
  residualFold: ResidualFold | null = null;
  /**
   * Set by fuseResidualJoins when this container's branches are a fused residual join's.
   *
   * @internal
   */
  residualFusion: ResidualFusion | null = null;

  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.add(m);
  }

  override updateOutput(input: Activity): Tensor[] {
    if (this.modules.length === 0) throw new LayerError(this, 'has no branches');
    const branch = (i: number): Tensor => {
      const m = this.modules[i];
      const out = this.forwardChild(m, input);
      if (!(out instanceof Tensor))
        throw new LayerError(m, 'a ConcatTable branch must output a tensor, not a table', 'a tensor', shapeOf(out));
      return out;
    };
    const join = activeJoin(this);
    if (join) {
      join.ensureAdjacent();
      const outputs = join.forwardBranches(branch);
      this.outputs.length = 0;
      this.outputs.push(...outputs);
      return this.outputs;
    }
    this.outputs.length = this.modules.length;
    for (let i = 0; i < this.modules.length; i++) this.outputs[i] = branch(i);
    return this.outputs;
  }

  /** The gradOutput branch i may use: the given one, or a copy when it is shared and the branch would overwrite it. */
  private branchGradOutput(i: number, grads: Tensor[]): Tensor {
    const g = grads[i];
    const shared = grads.some((h, j) => j !== i && h.sharesStorageWith(g));
    if (!shared || !this.modules[i].writesGradOutput()) return g;
    const own = this.cache.like(`gradOutput.${i}`, g);
    copy(g, own);
    return own;
  }

  /** Runs `step` for each branch with its gradOutput and sums the branches' gradInputs. */
  private backprop(input: Activity, gradOutput: Activity, step: (m: Module, g: Tensor) => Activity): Activity {
    const grads = expectTable(this, gradOutput, this.modules.length, 'gradOutput');
    const branchGrads = this.modules.map((m, i) => step(m, this.branchGradOutput(i, grads)));
    if (input instanceof Tensor)
      return this.sum(
        'gradInput',
        branchGrads.map((g) => this.asTensor(g)),
        input,
      );
    return input.map((x, j) =>
      this.sum(
        `gradInput.${j}`,
        branchGrads.map((g) => this.entry(g, j, input.length)),
        x,
      ),
    );
  }

  /** sum of `terms` into the kept buffer `key` shaped like `like`. */
  private sum(key: string, terms: Tensor[], like: Tensor): Tensor {
    const out = this.cache.like(key, like);
    terms.forEach((t) => expectSameShape(this, like, t, 'branch gradInput'));
    // The first two terms added straight into out: one pass over memory instead of a copy and an add.
    if (terms.length === 1) copy(terms[0], out);
    else add(terms[0], terms[1], out);
    for (let i = 2; i < terms.length; i++) add(out, terms[i], out);
    return out;
  }

  private asTensor(g: Activity): Tensor {
    if (g instanceof Tensor) return g;
    throw new LayerError(this, 'a branch returned a table gradInput for a tensor input', 'a tensor', shapeOf(g));
  }

  private entry(g: Activity, j: number, n: number): Tensor {
    return expectTable(this, g, n, 'branch gradInput')[j];
  }

  protected override backwardChildren(input: Activity, gradOutput: Activity): Activity {
    return this.backprop(input, gradOutput, (m, g) => this.backwardChild(m, input, g));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Activity {
    this.keepOutputs(input);
    return this.backprop(input, gradOutput, (m, g) => this.run(m, () => (m.gradInput = m.updateGradInput(input, g))));
  }

  override accGradParameters(input: Activity, gradOutput: Activity): void {
    this.keepOutputs(input);
    const grads = expectTable(this, gradOutput, this.modules.length, 'gradOutput');
    this.modules.forEach((m, i) => this.run(m, () => m.accGradParameters(input, grads[i])));
  }

  /** Mirrors updateOutput: the branches in order, or a residual join's shortcut first. */
  override planForward(plan: PlanBuilder, input: PlannedActivity): PlannedActivity {
    plan.remember(this, input);
    const join = activeJoin(this, plan.policy);
    if (!join) return this.modules.map((m) => m.planForward(plan, input));
    const outputs: PlannedActivity[] = [];
    const s = join.shortcutIndex;
    outputs[s] = join.plannedShortcut = this.modules[s].planForward(plan, input);
    try {
      outputs[join.bodyIndex] = this.modules[join.bodyIndex].planForward(plan, input);
    } finally {
      join.plannedShortcut = null;
    }
    return outputs;
  }

  /** Mirrors backprop: per branch its gradOutput (a copy at a tick of its own when shared and overwritten), then the sum. */
  override planBackward(plan: PlanBuilder, gradOutput: PlannedActivity): PlannedActivity {
    const grads =
      Array.isArray(gradOutput) && gradOutput.length === this.modules.length
        ? gradOutput
        : this.modules.map(() => gradOutput);
    const branchGrads = this.modules.map((m, i) => {
      let g = grads[i];
      if (g !== null && grads.some((h, j) => j !== i && h === g) && m.writesGradOutput()) {
        const t = plan.tick();
        plan.read(g, t);
        g = plan.gradient(this.cache, t, { module: m, of: 'output' }, `gradOutput.${i}`);
      }
      return m.planBackward(plan, g);
    });
    const t = plan.tick();
    plan.read(branchGrads, t);
    const input = plan.inputOf(this);
    if (Array.isArray(input))
      return input.map((_, entry) =>
        plan.gradient(this.cache, t, { module: this, of: 'input', entry }, `gradInput.${entry}`),
      );
    return plan.gradient(this.cache, t, { module: this, of: 'input' });
  }
}
