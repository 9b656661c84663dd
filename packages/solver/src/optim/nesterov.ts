import { axpby } from '@funt/tensor';
import type { Parameter } from '../model.js';
import { momentumChecks, momentumDefaults, type SgdMomentumConfig } from './sgd-momentum.js';
import { UpdateRule } from './update-rule.js';

/** The same options as SgdMomentum: learningRate and momentum. */
export type NesterovConfig = SgdMomentumConfig;

/**
 * Nesterov momentum in the cs231n form (PyFunt's `nesterov`):
 *
 *   v_prev ← v
 *   v ← momentum·v − lr·g
 *   w ← w − momentum·v_prev + (1 + momentum)·v
 *
 * Substituting the new v gives w ← w + momentum²·v_prev − (1 + momentum)·lr·g, which is how it
 * is computed: three in-place axpby calls and no copy of v.
 */
export class Nesterov extends UpdateRule<NesterovConfig> {
  constructor(config: Partial<NesterovConfig> = {}) {
    super('nesterov', momentumDefaults, momentumChecks, config);
    this.momentum = this.config.momentum;
  }

  protected update(p: Parameter, i: number): void {
    const mu = this.momentum!;
    const lr = this.learningRate;
    const v = this.slot(i, 'velocity', p.value);
    axpby(mu * mu, v, 1, p.value);
    axpby(-(1 + mu) * lr, p.grad, 1, p.value);
    axpby(-lr, p.grad, mu, v);
  }
}
