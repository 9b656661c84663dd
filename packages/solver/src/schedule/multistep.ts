import { numberIn } from '../checks.js';
import { OptionsSchedule } from './schedule.js';

/** Options of `MultiStepSchedule`; defaults `{ milestones: [80, 120], gamma: 0.1 }` (the ResNet recipe). */
export interface MultiStepOptions {
  /** Epochs (counting from 0) at whose start the rate is multiplied by gamma, ascending. */
  milestones: number[];
  gamma: number;
}

/**
 * Steps at milestones: factor = gamma^(number of milestones ≤ epoch). The ResNet recipe is
 * `{ milestones: [80, 120], gamma: 0.1 }`: epochs 0–79 at the full rate, 80–119 at a tenth,
 * 120 on at a hundredth.
 */
export class MultiStepSchedule extends OptionsSchedule<MultiStepOptions> {
  constructor(options: Partial<MultiStepOptions> = {}) {
    super(
      'multistep',
      { milestones: [80, 120], gamma: 0.1 },
      {
        milestones: (v) =>
          Array.isArray(v) && v.every((m, i) => Number.isInteger(m) && m >= 0 && (i === 0 || m > v[i - 1]))
            ? null
            : 'an ascending array of non-negative integer epochs',
        gamma: numberIn(0, Infinity),
      },
      options,
    );
  }

  /** gamma^(number of milestones ≤ ⌊epoch⌋). */
  factor(epoch: number): number {
    const e = Math.floor(epoch);
    let passed = 0;
    for (const m of this.options.milestones) if (m <= e) passed++;
    return this.options.gamma ** passed;
  }
}
