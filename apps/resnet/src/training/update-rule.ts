import { UsageError } from '../errors.js';
import type { Log } from '../log.js';

/** The update rules as the CLI names them. */
export const UPDATE_RULES = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'] as const;
type UpdateRuleName = (typeof UPDATE_RULES)[number];

/** The update rule's flags: which rule, its learning rate, momentum and weight decay. */
export interface UpdateRuleOptions {
  updateRule: UpdateRuleName;
  lr: number;
  momentum: number;
  weightDecay: number;
}

/** The solver's update rule and its options for the CLI's rule names (Torch's optim.sgd covers three). */
export function updateRule(o: UpdateRuleOptions, log: Log): { name: string; config: Record<string, number | boolean> } {
  const lr = o.lr;
  const rules: Record<UpdateRuleName, () => { name: string; config: Record<string, number | boolean> }> = {
    sgd: () => ({ name: 'sgd', config: { learningRate: lr, weightDecay: o.weightDecay } }),
    momentum: () => ({
      name: 'sgd',
      config: { learningRate: lr, momentum: o.momentum, dampening: 0, weightDecay: o.weightDecay },
    }),
    nesterov: () => {
      if (o.momentum <= 0) throw new UsageError('--update-rule nesterov needs --momentum > 0');
      return {
        name: 'sgd',
        config: { learningRate: lr, momentum: o.momentum, nesterov: true, weightDecay: o.weightDecay },
      };
    },
    rmsprop: () => {
      if (o.weightDecay > 0) log('note: rmsprop has no weight decay; --weight-decay is ignored');
      return { name: 'rmsprop', config: { learningRate: lr } };
    },
    adam: () => ({ name: 'adam', config: { learningRate: lr, weightDecay: o.weightDecay } }),
  };
  return rules[o.updateRule]();
}
