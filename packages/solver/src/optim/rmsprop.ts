import { add, axpby, div, mul, sqrt } from '@funt/tensor';
import { numberIn } from '../checks.js';
import type { Parameter } from '../model.js';
import { type RuleConfig, UpdateRule } from './update-rule.js';

export interface RmsPropConfig extends RuleConfig {
  decayRate: number;
  epsilon: number;
}

/**
 * RMSProp (PyFunt's `rmsprop`, cs231n form): divides the gradient by a running root mean
 * square of recent gradients.
 *
 *   cache ← decayRate·cache + (1 − decayRate)·g²
 *   w ← w − lr·g / (√cache + epsilon)
 */
export class RmsProp extends UpdateRule<RmsPropConfig> {
  constructor(config: Partial<RmsPropConfig> = {}) {
    super(
      'rmsprop',
      { learningRate: 1e-2, decayRate: 0.99, epsilon: 1e-8 },
      {
        decayRate: numberIn(0, 1),
        epsilon: numberIn(0, 1, { exclusiveMin: true }),
      },
      config,
    );
  }

  protected update(p: Parameter, i: number): void {
    const { decayRate, epsilon } = this.config;
    const g = p.grad;
    const cache = this.slot(i, 'cache', p.value);
    const s = this.scratchFor(i, p.value);
    mul(g, g, s);
    axpby(1 - decayRate, s, decayRate, cache);
    sqrt(cache, s);
    add(s, epsilon, s);
    div(g, s, s);
    axpby(-this.learningRate, s, 1, p.value);
  }
}
