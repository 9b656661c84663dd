import { type MemoryPlan, type PlanPolicy, runningPlan } from '../plan/memory-plan.js';
import { MemoryPlanner } from '../plan/memory-planner.js';
import type { Activity } from './activity.js';
import { LayerError } from './errors.js';
import { Module } from './module.js';

/**
 * A module made of modules (Torch's `nn.Container`). It owns the list of children, gives each
 * its path in the tree (`'4.0.2'`), and turns any error a child raises into a `LayerError`
 * naming that child, so a failure deep in a network says where it happened.
 *
 * Called as a model (the root of its tree), a container runs its passes under a memory plan
 * (plan/memory-plan.ts) unless `planMemory(false)`: intermediate outputs share memory in evaluation;
 * in training intermediate gradients do, and outputs no backward reads. Its own output and
 * gradInput stay valid after a pass.
 */
export abstract class Container extends Module {
  protected readonly modules: Module[] = [];
  private planner: MemoryPlanner | null = null;
  private planning = true;

  /** Appends a child; returns this for chaining (`new Sequential().add(a).add(b)`). */
  add(module: Module): this {
    if (!(module instanceof Module)) throw new LayerError(this, `add: expected a Module, got ${String(module)}`);
    this.modules.push(module);
    this.path = this.path; // gives the new child its path
    return this;
  }

  /** The child at `index` (0-based). */
  get(index: number): Module {
    const m = this.modules[index];
    if (m === undefined) throw new LayerError(this, `get: no child ${index} (it has ${this.modules.length})`);
    return m;
  }

  /** Number of children (Torch's `size()`). */
  get length(): number {
    return this.modules.length;
  }

  override children(): Module[] {
    return this.modules.slice();
  }

  /** Runs `fn` on behalf of `child`, naming the child in any error that is not already a LayerError. */
  protected run<T>(child: Module, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof LayerError) throw e;
      throw new LayerError(child, e instanceof Error ? e.message : String(e), undefined, undefined, { cause: e });
    }
  }

  // ---- the memory plan ---------------------------------------------------------------------

  /**
   * Turns the memory plan on (the default) or off for this container used as a model. Off, every
   * module keeps its own output and gradInput, so intermediate ones stay readable after a pass.
   */
  planMemory(enabled = true): this {
    this.planning = enabled;
    if (!enabled) this.dropPlans();
    return this;
  }

  /** The plan in use for `policy` ('train', 'eval', 'eval-keep'), if any (for tests and memory accounting). */
  memoryPlan(policy: PlanPolicy): MemoryPlan | null {
    return this.planner?.plan(policy) ?? null;
  }

  /** The planner when this call is a model's pass: the root of its tree, plan on, not inside another pass. */
  private asModel(): MemoryPlanner | null {
    if (!this.planning || this.path !== '' || runningPlan() !== null) return null;
    return (this.planner ??= new MemoryPlanner());
  }

  override forward(input: Activity): Activity {
    const planner = this.asModel();
    return planner ? planner.forward(this, input, () => super.forward(input)) : super.forward(input);
  }

  override backward(input: Activity, gradOutput: Activity): Activity {
    const pass = () => (this.gradInput = this.backwardChildren(input, gradOutput));
    const planner = this.asModel();
    return planner ? planner.backward(pass, () => this.forward(input)) : pass();
  }

  /** What backward does: updateGradInput then accGradParameters (Sequential, ConcatTable and Parallel run each child's backward). */
  protected backwardChildren(input: Activity, gradOutput: Activity): Activity {
    const g = this.updateGradInput(input, gradOutput);
    this.accGradParameters(input, gradOutput);
    return g;
  }

  /**
   * For updateGradInput and accGradParameters called on their own (outside a planned pass):
   * when the last forward shared intermediate outputs, reruns it keeping them, as backward does.
   */
  protected keepOutputs(input: Activity): void {
    this.planner?.keepOutputs(() => this.forward(input));
  }

  private dropPlans(): void {
    this.planner?.dispose();
    this.planner = null;
  }

  protected override releaseCache(): void {
    this.dropPlans();
    super.releaseCache();
  }

  // ---- children ------------------------------------------------------------------------------

  /**
   * Runs `child.forward(input)` on behalf of this container: errors name the child, and a running
   * memory plan sees the call. Containers call their children through this, never directly.
   */
  protected forwardChild(child: Module, input: Activity): Activity {
    return this.run(child, () => {
      const out = child.forward(input);
      runningPlan()?.afterForward(child, input, out);
      return out;
    });
  }

  /**
   * Runs `child.backward(input, gradOutput)` on behalf of this container, as `forwardChild` does the forward.
   */
  protected backwardChild(child: Module, input: Activity, gradOutput: Activity): Activity {
    return this.run(child, () => {
      const g = child.backward(input, gradOutput);
      runningPlan()?.afterBackward(child, gradOutput, g);
      return g;
    });
  }

  /** An optional line under the header showing how data flows (Sequential's `input -> (0) -> ... -> output`). */
  protected flow(): string | null {
    return null;
  }

  override toString(): string {
    const lines = [`${this.toStringShort()} {`];
    const flow = this.flow();
    if (flow) lines.push(`  ${flow}`);
    this.modules.forEach((m, i) => {
      const text = m.toString().split('\n');
      lines.push(`  (${i}): ${text[0]}`, ...text.slice(1).map((l) => `  ${l}`));
    });
    lines.push('}');
    return lines.join('\n');
  }
}
