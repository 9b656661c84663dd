import { getBackend } from '@funt/tensor';
import { type Activity, tensorsOf } from '../module/activity.js';
import type { Named } from '../module/errors.js';
import { MemoryPlan, type PlanPolicy, type PlanRoot } from './memory-plan.js';

/**
 * The plans of one model (a container called as the root of its tree): one per policy, replaced
 * when the input's shape, dtype or backend changes.
 */
export class MemoryPlanner {
  private readonly plans = new Map<PlanPolicy, MemoryPlan>();
  private last: MemoryPlan | null = null;
  /** Modules seen returning what they were given against their declaration (planned as aliasing from then on). */
  private readonly aliasing = new Set<Named>();
  /** Set once backward has followed an evaluation forward: evaluation keeps outputs from then on. */
  private evalNeedsOutputs = false;

  /** Runs a forward pass of `root` under the plan for its mode and this input. */
  forward(root: PlanRoot, input: Activity, pass: () => Activity): Activity {
    const policy: PlanPolicy = root.isTraining ? 'train' : this.evalNeedsOutputs ? 'eval-keep' : 'eval';
    const plan = this.planFor(root, policy, input);
    this.last = null;
    const out = plan.run('forward', pass);
    this.last = plan;
    return out;
  }

  /** Runs a backward pass; first reruns the forward (`rerun`) when its outputs were shared. */
  backward(pass: () => Activity, rerun: () => void): Activity {
    this.keepOutputs(rerun);
    return this.last === null ? pass() : this.last.run('backward', pass);
  }

  /**
   * Before anything that reads the intermediate outputs of the last forward (backward, or
   * updateGradInput called on its own): when they were shared, evaluation keeps outputs from now
   * on and `rerun` computes them again.
   */
  keepOutputs(rerun: () => void): void {
    if (this.last?.policy !== 'eval') return;
    this.evalNeedsOutputs = true;
    rerun();
  }

  /** The plan for `policy`, if one was made (for tests and memory accounting). */
  plan(policy: PlanPolicy): MemoryPlan | null {
    return this.plans.get(policy) ?? null;
  }

  private planFor(root: PlanRoot, policy: PlanPolicy, input: Activity): MemoryPlan {
    const signature = `${getBackend().name} ${tensorsOf(input)
      .map((x) => `${x.dtype}[${x.shape.join(',')}]`)
      .join(' ')}`;
    const have = this.plans.get(policy);
    if (have?.signature === signature && !have.broken) return have;
    have?.dispose();
    const plan = MemoryPlan.of(root, policy, signature, this.aliasing);
    this.plans.set(policy, plan);
    return plan;
  }

  dispose(): void {
    for (const p of this.plans.values()) p.dispose();
    this.plans.clear();
    this.last = null;
  }
}
