import { show } from '../checks.js';
import { SolverConfigError } from '../errors.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { Nesterov } from './nesterov.js';
import { RmsProp } from './rmsprop.js';
import { Sgd } from './sgd.js';
import { SgdMomentum } from './sgd-momentum.js';
import type { UpdateRule } from './update-rule.js';

/** The update rules by name, as the Solver, the CLI and config files name them. */
const RULES = {
  sgd: (c: object) => new Sgd(c),
  sgdMomentum: (c: object) => new SgdMomentum(c),
  nesterov: (c: object) => new Nesterov(c),
  rmsprop: (c: object) => new RmsProp(c),
  adam: (c: object) => new Adam(c),
  adamw: (c: object) => new AdamW(c),
} as const;

type UpdateRuleName = keyof typeof RULES;

export const updateRuleNames = Object.keys(RULES) as UpdateRuleName[];

/** Creates an update rule by name; unknown names and options are errors naming them. */
export function createUpdateRule(name: string, config: object = {}): UpdateRule {
  if (!Object.hasOwn(RULES, name)) {
    throw new SolverConfigError(`unknown update rule ${show(name)} (known: ${updateRuleNames.join(', ')})`);
  }
  return RULES[name as UpdateRuleName](config);
}
