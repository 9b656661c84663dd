import { show } from '../checks.js';
import { SolverConfigError } from '../errors.js';
import { ConstantSchedule } from './constant.js';
import { CosineSchedule } from './cosine.js';
import { ExponentialSchedule } from './exponential.js';
import { MultiStepSchedule } from './multistep.js';
import { OneCycleSchedule } from './one-cycle.js';
import type { Schedule, ScheduleState } from './schedule.js';
import { WarmupSchedule } from './warmup.js';

/**
 * Builds a schedule from its description (as `state()` returns it, or as written in a config
 * file): `{ type: 'multistep', milestones: [80, 120], gamma: 0.1 }`,
 * `{ type: 'warmup', epochs: 1, startFactor: 0.1, then: { type: 'cosine', epochs: 160 } }`,
 * `{ type: 'onecycle', epochs: 30, pctStart: 0.25 }`.
 * A 'lambda' schedule holds a function and cannot be described: construct LambdaSchedule.
 */
export function createSchedule(spec: ScheduleState): Schedule {
  if (spec === null || typeof spec !== 'object')
    throw new SolverConfigError(`schedule: expected { type, ...options }, got ${show(spec)}`);
  const { type, ...options } = spec;
  switch (type) {
    case 'constant': {
      const s = new ConstantSchedule();
      s.loadState(spec);
      return s;
    }
    case 'exponential':
      return new ExponentialSchedule(options);
    case 'multistep':
      return new MultiStepSchedule(options);
    case 'cosine':
      return new CosineSchedule(options as { epochs: number });
    case 'onecycle':
      return new OneCycleSchedule(options as { epochs: number });
    case 'warmup': {
      const { then, ...warmup } = options;
      return new WarmupSchedule(warmup, then === undefined ? undefined : createSchedule(then as ScheduleState));
    }
    case 'lambda':
      throw new SolverConfigError("schedule 'lambda' holds a function: construct it with new LambdaSchedule(fn)");
    default:
      throw new SolverConfigError(
        `unknown schedule type ${show(type)} (known: constant, exponential, multistep, cosine, onecycle, warmup, lambda)`,
      );
  }
}
