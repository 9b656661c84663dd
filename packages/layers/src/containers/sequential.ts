import type { Activity } from '../module/activity.js';
import { Container } from '../module/container.js';
import { LayerError } from '../module/errors.js';
import type { Module } from '../module/module.js';
import type { PlanBuilder, PlannedActivity } from '../plan/plan-builder.js';

/**
 * Children applied one after another (Torch's `nn.Sequential`). Each child keeps its output and
 * gradInput (in buffers a model's memory plan may share); the container stores no copies, its
 * `output` is its last child's. Backward passes each child the output of the child before it as
 * input, as Torch does.
 */
export class Sequential extends Container {
  static readonly typeName: string = 'Sequential';
  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.add(m);
  }

  /** Inserts a child at `index` (default: the end). */
  insert(module: Module, index: number = this.modules.length): this {
    if (!Number.isInteger(index) || index < 0 || index > this.modules.length) {
      throw new LayerError(this, `insert: index ${index} out of range [0, ${this.modules.length}]`);
    }
    this.modules.splice(index, 0, module);
    this.path = this.path;
    return this;
  }

  /** Removes and returns the child at `index` (default: the last). */
  remove(index: number = this.modules.length - 1): Module {
    const m = this.get(index);
    this.modules.splice(index, 1);
    m.path = '';
    this.path = this.path;
    return m;
  }

  override updateOutput(input: Activity): Activity {
    let current = input;
    for (const m of this.modules) current = this.forwardChild(m, current);
    return current;
  }

  /** The input each child saw in the last forward pass. */
  private inputOf(i: number, input: Activity): Activity {
    if (i === 0) return input;
    const prev = this.modules[i - 1].output;
    if (prev === null) throw new LayerError(this.modules[i], 'backward called before forward');
    return prev;
  }

  protected override backwardChildren(input: Activity, gradOutput: Activity): Activity {
    let grad = gradOutput;
    for (let i = this.modules.length - 1; i >= 0; i--) {
      grad = this.backwardChild(this.modules[i], this.inputOf(i, input), grad);
    }
    return grad;
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Activity {
    this.keepOutputs(input);
    let grad = gradOutput;
    for (let i = this.modules.length - 1; i >= 0; i--) {
      const m = this.modules[i];
      grad = this.run(m, () => (m.gradInput = m.updateGradInput(this.inputOf(i, input), grad)));
    }
    return grad;
  }

  override accGradParameters(input: Activity, gradOutput: Activity): void {
    this.keepOutputs(input);
    for (let i = this.modules.length - 1; i >= 0; i--) {
      const m = this.modules[i];
      const g = i === this.modules.length - 1 ? gradOutput : this.modules[i + 1].gradInput;
      if (g === null) throw new LayerError(m, 'accGradParameters called before updateGradInput');
      this.run(m, () => m.accGradParameters(this.inputOf(i, input), g));
    }
  }

  override planForward(plan: PlanBuilder, input: PlannedActivity): PlannedActivity {
    plan.remember(this, input);
    return this.modules.reduce((x, m) => m.planForward(plan, x), input);
  }

  override planBackward(plan: PlanBuilder, gradOutput: PlannedActivity): PlannedActivity {
    return this.modules.reduceRight((g, m) => m.planBackward(plan, g), gradOutput);
  }

  /** The gradOutput given to a Sequential goes to its last child first. */
  override writesGradOutput(): boolean {
    const last = this.modules[this.modules.length - 1];
    return last?.writesGradOutput() ?? false;
  }

  protected override flow(): string {
    return `[input -> ${this.modules.map((_, i) => `(${i})`).join(' -> ')} -> output]`;
  }
}
