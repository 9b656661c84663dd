import { numberIn } from '../checks.js';
import { SolverConfigError } from '../errors.js';
import { OptionsSchedule, positiveEpochs } from './schedule.js';

/** Options of `CosineSchedule`; `epochs` is required, `minFactor` defaults to 0. */
export interface CosineOptions {
  /** Length of the annealing in epochs; after it the factor stays at minFactor. */
  epochs: number;
  minFactor: number;
}

/**
 * Cosine annealing (Loshchilov & Hutter, without restarts), evaluated every iteration:
 * factor = minFactor + (1 − minFactor)·(1 + cos(π·epoch/epochs))/2.
 */
export class CosineSchedule extends OptionsSchedule<CosineOptions> {
  constructor(options: Partial<CosineOptions> & { epochs: number }) {
    if (options?.epochs === undefined)
      throw new SolverConfigError("schedule 'cosine': option 'epochs' (length of the annealing) is required");
    super('cosine', { epochs: 1, minFactor: 0 }, { epochs: positiveEpochs, minFactor: numberIn(0, 1) }, options);
  }

  /** minFactor + (1 − minFactor)·(1 + cos(π·epoch/epochs))/2, with epoch clamped to [0, epochs]. */
  factor(epoch: number): number {
    const { epochs, minFactor } = this.options;
    const progress = Math.min(Math.max(epoch, 0), epochs) / epochs;
    return minFactor + ((1 - minFactor) * (1 + Math.cos(Math.PI * progress))) / 2;
  }
}
