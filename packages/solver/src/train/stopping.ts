import type { StopReason } from '../history.js';
import type { TrainingRun } from './run.js';

/**
 * Early stopping: true when `patience` epochs have ended since the best validation accuracy
 * without beating it. It depends only on the epoch counters and the best epoch, which
 * checkpoints keep, so a resumed run stops where an uninterrupted one would.
 */
export function outOfPatience(run: TrainingRun): boolean {
  const { patience } = run.options;
  return patience !== null && run.best.epoch > 0 && run.state.epoch - run.best.epoch >= patience;
}

/** Why the run stops, in words, for the progress output and history.json. */
export function stopMessage(run: TrainingRun, reason: Exclude<StopReason, 'divergence'>): string {
  const { state, best, options: o } = run;
  switch (reason) {
    case 'numEpochs':
      return `trained ${state.epoch} of ${o.numEpochs} epochs`;
    case 'patience':
      return (
        `stopped early after epoch ${state.epoch}: no better validation accuracy for ${o.patience} epochs ` +
        `(best ${(100 * best.valAcc).toFixed(2)}% at epoch ${best.epoch})`
      );
    case 'interrupt':
      return `stopped at epoch ${state.epoch + 1}, iteration ${state.iterationInEpoch}`;
  }
}

/** Records how the run ended in its history. */
export function recordStop(run: TrainingRun, reason: StopReason, message: string): void {
  run.history.stop = { reason, epochs: run.state.epoch, iterations: run.state.iteration, message };
}
