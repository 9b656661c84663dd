import { DivergenceError } from '../errors.js';
import type { History, StopReason } from '../history.js';
import { platform } from '../platform/platform.js';
import { TrainingBatches } from './batches.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { endEpoch } from './epoch-end.js';
import { trainIteration } from './iteration.js';
import { createProgress, type ProgressReporter } from './progress.js';
import type { TrainingRun } from './run.js';
import { InterruptWatch } from './signals.js';
import { outOfPatience, recordStop, stopMessage } from './stopping.js';
import { validate } from './validate.js';

/** What `Solver.train` returns: how the run ended and its best validation accuracy. */
export interface TrainResult {
  /**
   * 'interrupted' after a stop request (a signal or requestStop): the checkpoint, when a path
   * is set, holds the run as it stopped, and train() or a resume continues from there.
   */
  status: 'completed' | 'interrupted';
  /** Why training stopped: all `numEpochs` done, out of `patience`, or a stop request ('interrupt'). */
  stopReason: Exclude<StopReason, 'divergence'>;
  /** The signal that stopped the run ('SIGINT', 'SIGTERM'), or null (completed, or requestStop). */
  signal: NodeJS.Signals | null;
  /**
   * True when the model holds the best epoch's parameters (restoreBest and a best exists);
   * false when it holds the parameters training ended with (e.g. stopped before the first epoch ended).
   */
  restoredBest: boolean;
  /** Epochs completed. */
  epochs: number;
  iterations: number;
  bestValAcc: number;
  /** 1-based epoch of the best validation accuracy (0 if none). */
  bestEpoch: number;
  history: History;
}

/**
 * Runs the remaining epochs of a run. Each epoch is one pass over a fresh permutation of the
 * training set (sampling without replacement; PyFunt drew every batch with replacement); each
 * iteration prepares a batch, trains on it at the scheduled learning rate and reports; each
 * epoch ends with the accuracy checks, the histories and a periodic checkpoint.
 *
 * Resolves with status 'interrupted' after a stop request (a signal or requestStop), having
 * written a checkpoint when a path is set. Rejects with a DivergenceError when the loss or the
 * model's state becomes NaN/∞ (the last checkpoint, all finite, is left as it was), and with
 * any other error after writing an error checkpoint.
 */
export async function train(run: TrainingRun): Promise<TrainResult> {
  const { options: o, state, model } = run;
  run.takeBackLiveState();
  if (o.resume && o.checkpointPath && platform().files.exists(o.checkpointPath)) loadCheckpoint(run, o.checkpointPath);
  const params = validate(run);
  const n = run.data.xTrain.shape[0];
  const batchSize = Math.min(o.batchSize, n);
  const iterationsPerEpoch = Math.ceil(n / batchSize);
  const batches = new TrainingBatches(run.data, batchSize, o.augment, state.augmentRng, o.prepareInWorker);
  const progress = createProgress(o.progress, o.stream, o.printEvery, o.topK);
  const watch = new InterruptWatch((signal) => {
    progress.message(`${signal} received: stopping after this iteration (send it again to exit at once)`);
    run.stopRequested = true;
  });
  if (o.handleSignals && platform().signals) watch.install();
  run.stopRequested = false;
  run.updating = false;
  run.history.stop = null;
  const finished = () => state.epoch >= o.numEpochs || outOfPatience(run);
  try {
    while (!finished()) {
      const order = state.startEpoch(n);
      const epochStart = performance.now();
      progress.startEpoch(state.epoch + 1, o.numEpochs, iterationsPerEpoch, state.iterationInEpoch);
      model.training();
      while (state.iterationInEpoch < iterationsPerEpoch) {
        if (run.stopRequested) return interrupt(run, progress, watch.received);
        const it = state.iterationInEpoch;
        const { lr, momentum } = applySchedule(run, state.epoch + it / iterationsPerEpoch, iterationsPerEpoch);
        if (it === 0) state.epochLearningRate = lr;
        const from = it * batchSize;
        const to = Math.min(from + batchSize, n);
        const t0 = performance.now();
        state.startIteration(model);
        const { loss, gradNorm } = trainIteration(run, batches.prepare(order, from, to), params);
        state.endIteration(to - from, loss, (performance.now() - t0) / 1000);
        run.history.iterations.push({
          iteration: state.iteration,
          nImages: state.imagesSeen,
          loss,
          learningRate: lr,
          ...(momentum === null ? {} : { momentum }),
          ...(gradNorm === null ? {} : { gradNorm }),
        });
        const imagesPerSecond = (state.iterationInEpoch * batchSize) / Math.max(state.epochTrainSeconds, 1e-9);
        progress.iteration(state.iterationInEpoch, { loss, learningRate: lr, imagesPerSecond });
        run.events.onIteration({
          epoch: state.epoch,
          iteration: state.iteration,
          iterationInEpoch: state.iterationInEpoch,
          iterationsPerEpoch,
          loss,
          learningRate: lr,
          imagesSeen: state.imagesSeen,
          momentum,
          gradNorm,
        });
        await letEventsRun();
      }
      const record = endEpoch(run, iterationsPerEpoch, epochStart);
      progress.endEpoch(record, o.numEpochs);
      run.events.onEpochEnd(record);
      if (o.historyDir) run.history.write(o.historyDir);
      if (o.checkpointPath && state.epoch % o.checkpointEvery === 0 && !finished()) {
        saveCheckpoint(run, o.checkpointPath, 'periodic');
      }
      await letEventsRun();
      if (run.stopRequested && !finished()) return interrupt(run, progress, watch.received);
    }
    return complete(run, progress, outOfPatience(run) ? 'patience' : 'numEpochs');
  } catch (err) {
    if (err instanceof DivergenceError) {
      recordStop(run, 'divergence', err.message);
      if (o.historyDir) run.history.write(o.historyDir);
    } else {
      saveErrorCheckpoint(run, err);
    }
    throw err;
  } finally {
    watch.uninstall();
    progress.stop();
    batches.dispose();
  }
}

/**
 * Sets the update rule's rate (configured rate × the schedule's factor) and, when the schedule
 * cycles it, its momentum, for the iteration at fractional epoch `epoch`.
 */
function applySchedule(
  run: TrainingRun,
  epoch: number,
  iterationsPerEpoch: number,
): { lr: number; momentum: number | null } {
  const lr = run.rule.config.learningRate * run.schedule.factor(epoch, iterationsPerEpoch);
  run.rule.learningRate = lr;
  const momentum = run.schedule.momentum?.(epoch, iterationsPerEpoch) ?? null;
  if (momentum !== null) run.rule.momentum = momentum;
  return { lr, momentum };
}

/**
 * Signals, timers and the progress bar run between iterations (Node delivers signals through its
 * event loop; a page's worker its messages, such as a stop request). Node has setImmediate; a
 * browser gets a message on a fresh channel, which, unlike setTimeout(0), is not clamped to 4 ms.
 */
function letEventsRun(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise<void>((resolve) => setImmediate(resolve));
  return new Promise<void>((resolve) => {
    // Typed by hand: @types/node types the global MessageChannel as worker_threads' own.
    const channel = new MessageChannel() as unknown as {
      port1: { onmessage: (() => void) | null; close(): void };
      port2: { postMessage(message: unknown): void };
    };
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * The last epoch is done, or patience ran out: the stop in the history, a final checkpoint,
 * then the best parameters into the model.
 */
function complete(run: TrainingRun, progress: ProgressReporter, reason: 'numEpochs' | 'patience'): TrainResult {
  const o = run.options;
  const message = stopMessage(run, reason);
  recordStop(run, reason, message);
  if (reason === 'patience') progress.message(message);
  if (o.historyDir) run.history.write(o.historyDir);
  if (o.checkpointPath) saveCheckpoint(run, o.checkpointPath, 'final');
  return result(run, 'completed', reason, null, run.showBest());
}

/**
 * A stop request: a checkpoint of the run as it is and the histories, so that it can resume
 * from here; then the best parameters into the model, as at the end of a run, so that what
 * the caller saves as the best model is the best model.
 */
function interrupt(run: TrainingRun, progress: ProgressReporter, signal: NodeJS.Signals | null): TrainResult {
  const { checkpointPath: path, historyDir } = run.options;
  const message = stopMessage(run, 'interrupt');
  recordStop(run, 'interrupt', message);
  if (path) saveCheckpoint(run, path, 'interrupt');
  if (historyDir) run.history.write(historyDir);
  const restoredBest = run.showBest();
  progress.message(
    `${message}${path ? `; checkpoint '${path}'` : ''}` +
      (restoredBest ? `; the model holds the best parameters (epoch ${run.best.epoch})` : ''),
  );
  return result(run, 'interrupted', 'interrupt', signal, restoredBest);
}

/** On an error (other than a divergence) writes a checkpoint of the last consistent state. */
function saveErrorCheckpoint(run: TrainingRun, err: unknown): void {
  const path = run.options.checkpointPath;
  if (err instanceof DivergenceError || !path || run.updating) return;
  try {
    saveCheckpoint(run, path, 'error');
  } catch {
    // The original error matters more than a failed rescue.
  }
}

function result(
  run: TrainingRun,
  status: TrainResult['status'],
  stopReason: TrainResult['stopReason'],
  signal: NodeJS.Signals | null,
  restoredBest: boolean,
): TrainResult {
  return {
    status,
    stopReason,
    signal,
    restoredBest,
    epochs: run.state.epoch,
    iterations: run.state.iteration,
    bestValAcc: Math.max(run.best.valAcc, 0),
    bestEpoch: run.best.epoch,
    history: run.history,
  };
}
