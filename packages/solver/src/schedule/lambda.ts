import { SolverConfigError } from '../errors.js';
import { OptionsSchedule } from './schedule.js';

/**
 * A user function of the (whole) epoch returning the factor, like PyTorch's LambdaLR; PyFunt's
 * custom per-epoch schedule. A function cannot be saved, so the state only records the type:
 * a resumed run must be given the same function.
 */
export class LambdaSchedule extends OptionsSchedule<Record<string, never>> {
  private readonly fn: (epoch: number) => number;

  constructor(fn: (epoch: number) => number) {
    super('lambda', {}, {}, {});
    if (typeof fn !== 'function') {
      throw new SolverConfigError(`schedule 'lambda': expected a function of the epoch, got ${typeof fn}`);
    }
    this.fn = fn;
  }

  /**
   * The user function of ⌊epoch⌋; throws a SolverConfigError when it returns anything but a finite number ≥ 0.
   */
  factor(epoch: number): number {
    const e = Math.floor(epoch);
    const f = this.fn(e);
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0) {
      throw new SolverConfigError(
        `schedule 'lambda': the function returned ${String(f)} for epoch ${e}; expected a finite factor ≥ 0`,
      );
    }
    return f;
  }
}
