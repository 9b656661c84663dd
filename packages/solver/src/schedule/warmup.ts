import { numberIn } from '../checks.js';
import { SolverConfigError } from '../errors.js';
import { ConstantSchedule } from './constant.js';
import { OptionsSchedule, positiveEpochs, type Schedule, type ScheduleState } from './schedule.js';

/** Options of `WarmupSchedule`; defaults `{ epochs: 1, startFactor: 0.1 }`. */
export interface WarmupOptions {
  /** Length of the ramp in epochs (may be fractional: 0.5 = half an epoch of iterations). */
  epochs: number;
  /** Factor at the very first iteration. */
  startFactor: number;
}

/**
 * Linear warm-up in front of any other schedule: during the first `epochs` the factor ramps
 * linearly, every iteration, from startFactor to 1, multiplying the inner schedule's factor;
 * afterwards it is the inner schedule's factor. The inner schedule runs on the same clock (it
 * is not delayed), and its momentum (one-cycle) passes through. Goyal et al. used it for
 * large batches; He et al. used 0.01 for the first epochs of their 110-layer ResNet.
 */
export class WarmupSchedule extends OptionsSchedule<WarmupOptions> {
  readonly inner: Schedule;

  constructor(options: Partial<WarmupOptions>, inner: Schedule = new ConstantSchedule()) {
    super('warmup', { epochs: 1, startFactor: 0.1 }, { epochs: positiveEpochs, startFactor: numberIn(0, 1) }, options);
    if (!inner || typeof inner.factor !== 'function') {
      throw new SolverConfigError(
        `schedule 'warmup': the schedule after the warm-up must be a Schedule, got ${typeof inner}`,
      );
    }
    this.inner = inner;
  }

  /** The ramp (startFactor → 1 over `epochs`, then 1) times the inner schedule's factor. */
  factor(epoch: number, iterationsPerEpoch?: number): number {
    const { epochs, startFactor } = this.options;
    const ramp = epoch >= epochs ? 1 : startFactor + ((1 - startFactor) * Math.max(epoch, 0)) / epochs;
    return ramp * this.inner.factor(epoch, iterationsPerEpoch);
  }

  /** The inner schedule's momentum: the warm-up ramps the rate only. */
  momentum(epoch: number, iterationsPerEpoch?: number): number | null {
    return this.inner.momentum?.(epoch, iterationsPerEpoch) ?? null;
  }

  /** The warm-up's options, with the inner schedule's state under `then`. */
  override state(): ScheduleState {
    return { ...super.state(), then: this.inner.state() };
  }

  protected override loadOptions({ then, ...options }: Record<string, unknown>): void {
    this.configure(options);
    this.inner.loadState(then as ScheduleState);
  }
}
