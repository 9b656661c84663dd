import { axpby } from '@funt/tensor';
import { numberIn } from '../checks.js';
import type { Parameter } from '../model.js';
import { type RuleConfig, UpdateRule } from './update-rule.js';

export interface SgdMomentumConfig extends RuleConfig {
  momentum: number;
}

/** Defaults (PyFunt's) and checks of the two momentum rules, SgdMomentum and Nesterov. */
export const momentumDefaults: SgdMomentumConfig = { learningRate: 1e-2, momentum: 0.9 };
export const momentumChecks = { momentum: numberIn(0, 1) };

/**
 * SGD with momentum in the cs231n form (PyFunt's `sgd_momentum`): a velocity that accumulates
 * scaled gradients.
 *
 *   v ← momentum·v − lr·g
 *   w ← w + v
 */
export class SgdMomentum extends UpdateRule<SgdMomentumConfig> {
  constructor(config: Partial<SgdMomentumConfig> = {}) {
    super('sgdMomentum', momentumDefaults, momentumChecks, config);
    this.momentum = this.config.momentum;
  }

  protected update(p: Parameter, i: number): void {
    const v = this.slot(i, 'velocity', p.value);
    axpby(-this.learningRate, p.grad, this.momentum!, v);
    axpby(1, v, 1, p.value);
  }
}
