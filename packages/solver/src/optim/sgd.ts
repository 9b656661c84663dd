import { axpby } from '@funt/tensor';
import { isBoolean, numberIn } from '../checks.js';
import { SolverConfigError } from '../errors.js';
import type { Parameter } from '../model.js';
import { type RuleConfig, UpdateRule } from './update-rule.js';

export interface SgdConfig extends RuleConfig {
  momentum: number;
  /** Fraction of the new gradient left out of the momentum buffer. Default: `momentum` (as in Torch), 0 with nesterov. */
  dampening: number | undefined;
  nesterov: boolean;
  /** L2 penalty: `weightDecay * w` is added to the gradient. */
  weightDecay: number;
  /** Torch's annealing: the rate is `learningRate / (1 + steps * learningRateDecay)`. */
  learningRateDecay: number;
}

/**
 * Stochastic gradient descent with the semantics of Torch's `optim.sgd` (PyFunt's `sgd_th`):
 *
 *   g ← g + weightDecay·w
 *   buf ← g                                   on the first step
 *   buf ← momentum·buf + (1 − dampening)·g     afterwards
 *   g ← g + momentum·buf  (nesterov)   or   g ← buf
 *   w ← w − lr / (1 + steps·learningRateDecay) · g
 *
 * Like Torch it works on the gradient tensor in place (weight decay and Nesterov modify it),
 * which is free because gradients are zeroed before each backward pass. With momentum 0 this
 * is plain SGD (PyFunt's `sgd`).
 */
export class Sgd extends UpdateRule<SgdConfig> {
  private rate = 0;

  constructor(config: Partial<SgdConfig> = {}) {
    super(
      'sgd',
      { learningRate: 1e-2, momentum: 0, dampening: undefined, nesterov: false, weightDecay: 0, learningRateDecay: 0 },
      {
        momentum: numberIn(0, 1),
        dampening: numberIn(0, 1),
        nesterov: isBoolean,
        weightDecay: numberIn(0, Infinity),
        learningRateDecay: numberIn(0, Infinity),
      },
      config,
    );
    const { momentum, nesterov } = this.config;
    this.momentum = momentum;
    if (nesterov && (momentum <= 0 || this.damp !== 0)) {
      throw new SolverConfigError(
        `update rule 'sgd': nesterov needs momentum > 0 and dampening 0, got momentum ${momentum} and dampening ${this.damp}`,
      );
    }
    this.scalars.evalCounter = 0;
  }

  /** The configured dampening, else (as in Torch) the momentum of the step, or 0 with nesterov. */
  private get damp(): number {
    const { dampening, nesterov } = this.config;
    return dampening ?? (nesterov ? 0 : this.momentum!);
  }

  protected override beforeStep(): void {
    this.rate = this.learningRate / (1 + this.scalars.evalCounter * this.config.learningRateDecay);
    this.scalars.evalCounter++;
  }

  protected update(p: Parameter, i: number): void {
    const { nesterov, weightDecay } = this.config;
    const momentum = this.momentum!;
    const g = p.grad;
    if (weightDecay !== 0) axpby(weightDecay, p.value, 1, g);
    let direction = g;
    if (momentum !== 0) {
      let buf: typeof g;
      if (this.hasSlot(i, 'momentum')) {
        buf = this.slot(i, 'momentum', g);
        axpby(1 - this.damp, g, momentum, buf);
      } else {
        buf = this.slotFrom(i, 'momentum', g);
      }
      if (nesterov) axpby(momentum, buf, 1, g);
      else direction = buf;
    }
    axpby(-this.rate, direction, 1, p.value);
  }
}
