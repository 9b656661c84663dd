import { add, axpby, div, mul, sqrt } from '@funt/tensor';
import { numberIn } from '../checks.js';
import type { Parameter } from '../model.js';
import { type RuleConfig, UpdateRule } from './update-rule.js';

export interface AdamConfig extends RuleConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Adam: an L2 penalty added to the gradient. AdamW: weights shrink by lr·weightDecay per step. */
  weightDecay: number;
}

/**
 * Adam with bias correction (Kingma & Ba; PyFunt's `adam`):
 *
 *   t ← t + 1
 *   m ← beta1·m + (1 − beta1)·g
 *   v ← beta2·v + (1 − beta2)·g²
 *   w ← w − lr · (m / (1 − beta1^t)) / (√(v / (1 − beta2^t)) + epsilon)
 *
 * `weightDecay` adds weightDecay·w to the gradient first (an L2 penalty, modifying the gradient
 * in place); AdamW (the subclass) decouples it instead. `momentum` is beta1 (a one-cycle
 * schedule cycles it, and the bias correction uses the step's beta1, as PyTorch's Adam does).
 */
export class Adam extends UpdateRule<AdamConfig> {
  static readonly ruleName: string = 'adam';
  static readonly defaultWeightDecay: number = 0;
  /** AdamW shrinks weights directly instead of adding the decay to the gradient. */
  protected readonly decoupled: boolean = false;
  private stepSize = 0;
  private rootCorrection = 1;

  constructor(config: Partial<AdamConfig> = {}) {
    const kind = new.target as typeof Adam;
    super(
      kind.ruleName,
      { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: kind.defaultWeightDecay },
      {
        beta1: numberIn(0, 1),
        beta2: numberIn(0, 1),
        epsilon: numberIn(0, 1, { exclusiveMin: true }),
        weightDecay: numberIn(0, Infinity),
      },
      config,
    );
    this.momentum = this.config.beta1;
    this.scalars.t = 0;
  }

  protected override beforeStep(): void {
    const beta1 = this.momentum!;
    const { beta2 } = this.config;
    const t = ++this.scalars.t;
    // lr·m̂/(√v̂ + ε) = (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
    this.stepSize = this.learningRate / (1 - beta1 ** t);
    this.rootCorrection = 1 / Math.sqrt(1 - beta2 ** t);
  }

  protected update(p: Parameter, i: number): void {
    const beta1 = this.momentum!;
    const { beta2, epsilon, weightDecay } = this.config;
    const g = p.grad;
    const w = p.value;
    if (weightDecay !== 0) {
      if (this.decoupled) mul(w, 1 - this.learningRate * weightDecay, w);
      else axpby(weightDecay, w, 1, g);
    }
    const m = this.slot(i, 'm', w);
    const v = this.slot(i, 'v', w);
    const s = this.scratchFor(i, w);
    axpby(1 - beta1, g, beta1, m);
    mul(g, g, s);
    axpby(1 - beta2, s, beta2, v);
    sqrt(v, s);
    mul(s, this.rootCorrection, s);
    add(s, epsilon, s);
    div(m, s, s);
    axpby(-this.stepSize, s, 1, w);
  }
}
