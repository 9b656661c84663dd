import { type Check, checkOptions } from '../checks.js';
import { SolverConfigError } from '../errors.js';

/** A schedule's saveable description: its type and options (and nested schedules). */
export interface ScheduleState {
  type: string;
  [option: string]: unknown;
}

/**
 * A learning-rate schedule: the factor by which the update rule's configured learning rate is
 * multiplied at a point of training. `epoch` counts from 0 and is fractional inside an epoch
 * (epoch + iteration / iterationsPerEpoch), so warm-up and cosine move every iteration while
 * step schedules change at epoch boundaries.
 *
 * Schedules are pure functions of the epoch plus their options, so their saved state is their
 * options: `state()` returns them, `loadState()` restores them (and checks the type).
 */
export interface Schedule {
  readonly type: string;
  factor(epoch: number): number;
  state(): ScheduleState;
  loadState(state: ScheduleState): void;
}

/** Holds checked options; `configure` runs at construction and again on `loadState`. */
export abstract class OptionsSchedule<T extends object> implements Schedule {
  readonly type: string;
  protected options!: T;
  private readonly defaults: T;
  private readonly checks: { [K in keyof T]?: Check };

  protected constructor(type: string, defaults: T, checks: { [K in keyof T]?: Check }, given: unknown) {
    this.type = type;
    this.defaults = defaults;
    this.checks = checks;
    this.configure(given);
  }

  protected configure(given: unknown): void {
    this.options = checkOptions(`schedule '${this.type}'`, this.defaults, this.checks, given);
  }

  abstract factor(epoch: number): number;

  state(): ScheduleState {
    return { type: this.type, ...(this.options as Record<string, unknown>) };
  }

  loadState(state: ScheduleState): void {
    checkType(this.type, state);
    const { type: _type, ...options } = state;
    this.configure(options);
  }
}

export function checkType(type: string, state: ScheduleState): void {
  if (state === null || typeof state !== 'object' || state.type !== type) {
    throw new SolverConfigError(`schedule '${type}': cannot load the state of schedule ${JSON.stringify(state?.type)}`);
  }
}
