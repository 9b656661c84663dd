import type { Tensor } from '@funt/tensor';
import { NonFiniteLossError } from '../errors.js';
import { checkScores } from '../metrics.js';
import type { Parameter } from '../model.js';
import { clipGradNorm } from '../optim/clip-grad-norm.js';
import type { TrainingBatch } from './batches.js';
import type { TrainingRun } from './run.js';

/** What an iteration gives: the batch's mean loss and, with clipGradNorm, the gradients' total norm before clipping. */
export interface IterationOutcome {
  loss: number;
  gradNorm: number | null;
}

/**
 * One training iteration on a prepared batch: forward, loss, backward, gradient clipping
 * (clipGradNorm) and the update rule's step on `params`. A loss that is not finite stops
 * training with a NonFiniteLossError before the parameters change.
 */
export function trainIteration(run: TrainingRun, batch: TrainingBatch, params: Parameter[]): IterationOutcome {
  const { model, criterion, state } = run;
  const { input, labels } = batch;
  try {
    const scores = model.forward(input);
    checkScores(scores, labels.length);
    const loss = criterion.forward(scores as Tensor, labels);
    if (!Number.isFinite(loss)) {
      throw new NonFiniteLossError(state.iteration + 1, state.epoch + 1, loss, run.lastCheckpoint);
    }
    model.zeroGradParameters();
    const gradScores = criterion.backward(scores as Tensor, labels);
    model.backward(input, gradScores);
    const maxNorm = run.options.clipGradNorm;
    const gradNorm = maxNorm === null ? null : clipGradNorm(params, maxNorm);
    run.updating = true;
    run.rule.step(params);
    run.updating = false;
    return { loss, gradNorm };
  } finally {
    if (batch.owned) input.dispose();
  }
}
