import { numberIn } from '../checks.js';
import { OptionsSchedule } from './schedule.js';

/** Options of `ExponentialSchedule`; `decay` in [0, 1], default 0.95. */
export interface ExponentialOptions {
  /** Multiplier applied after every epoch (PyFunt's `lr_decay`). */
  decay: number;
}

/** Per-epoch multiplicative decay: factor = decay^epoch (whole epochs). */
export class ExponentialSchedule extends OptionsSchedule<ExponentialOptions> {
  constructor(options: Partial<ExponentialOptions> = {}) {
    super('exponential', { decay: 0.95 }, { decay: numberIn(0, 1) }, options);
  }

  /** decay^⌊epoch⌋: constant within an epoch. */
  factor(epoch: number): number {
    return this.options.decay ** Math.floor(epoch);
  }
}
