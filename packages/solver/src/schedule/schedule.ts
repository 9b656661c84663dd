import { type Check, checkOptions, numberIn } from '../checks.js';
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
 * step schedules change at epoch boundaries. The solver also passes `iterationsPerEpoch`, for
 * schedules defined in steps (one-cycle); without it a step is an epoch.
 *
 * A schedule may also set the update rule's momentum (one-cycle does): `momentum()` returns it,
 * or null to leave the rule's own.
 *
 * Schedules are pure functions of the epoch plus their options, so their saved state is their
 * options: `state()` returns them, `loadState()` restores them (and checks the type).
 */
export interface Schedule {
  readonly type: string;
  /**
   * The multiplier of the configured learning rate at `epoch` (from 0, fractional within an
   * epoch); ≥ 0. `iterationsPerEpoch` converts epochs to steps for schedules defined in steps.
   */
  factor(epoch: number, iterationsPerEpoch?: number): number;
  /** The momentum the update rule uses at `epoch`, or null to leave the rule's own. */
  momentum?(epoch: number, iterationsPerEpoch?: number): number | null;
  /** The schedule's type and options, as plain JSON-serialisable data (checkpoints store it). */
  state(): ScheduleState;
  /**
   * Restores options from `state()` output; throws a SolverConfigError when the type differs or an option is invalid.
   */
  loadState(state: ScheduleState): void;
}

/**
 * A schedule whose state is its checked options: `configure` checks them at construction and
 * again on `loadState`. Every schedule here is one (LambdaSchedule and ConstantSchedule with no
 * options, WarmupSchedule with the schedule it leads into besides).
 */
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

  /**
   * Checks `given` against the option defaults and checks and makes it the options; throws a
   * SolverConfigError naming any unknown key or invalid value.
   */
  protected configure(given: unknown): void {
    this.options = checkOptions(`schedule '${this.type}'`, this.defaults, this.checks, given);
  }

  /** The multiplier of the configured learning rate at `epoch` (from 0, fractional within an epoch); ≥ 0. */
  abstract factor(epoch: number): number;

  /** The schedule's type and options, as plain JSON-serialisable data (checkpoints store it). */
  state(): ScheduleState {
    return { type: this.type, ...(this.options as Record<string, unknown>) };
  }

  /**
   * Restores options from `state()` output; throws a SolverConfigError when the type differs or an option is invalid.
   */
  loadState(state: ScheduleState): void {
    if (state === null || typeof state !== 'object' || state.type !== this.type) {
      throw new SolverConfigError(
        `schedule '${this.type}': cannot load the state of schedule ${JSON.stringify(state?.type)}`,
      );
    }
    const { type: _type, ...options } = state;
    this.loadOptions(options);
  }

  /** Restores the options of a saved state (a schedule that holds another restores it too). */
  protected loadOptions(options: Record<string, unknown>): void {
    this.configure(options);
  }
}

/** The length of a ramp or an annealing, in epochs. */
export const positiveEpochs = numberIn(0, Infinity, { exclusiveMin: true });
