import type { Tensor } from '@funt/tensor';
import { type Check, checkOptions, show } from './checks.js';
import { checkData, type Examples, type TrainingData } from './data.js';
import type { EpochRecord, History } from './history.js';
import type { LossFunction, Parameter, TrainableModel } from './model.js';
import type { UpdateRule } from './optim/update-rule.js';
import { type Evaluation, evaluate, type PredictOptions, predict, predictProba } from './predict.js';
import type { Schedule } from './schedule/schedule.js';
import { loadCheckpoint, saveCheckpoint } from './train/checkpoint.js';
import type { CheckpointReason, IterationInfo } from './train/events.js';
import { type TrainResult, train } from './train/loop.js';
import {
  checkScheduleFitsRule,
  evalBatchSizeOf,
  scheduleOf,
  TRAINING_CHECKS,
  TRAINING_DEFAULTS,
  type TrainingOptions,
  updateRuleOf,
} from './train/options.js';
import { TrainingRun } from './train/run.js';
import { checkCriterion, checkModel, validate } from './train/validate.js';

/** Callbacks during train(); each also receives the solver (to read its history, or to requestStop()). */
export interface SolverEvents {
  /** After every training iteration, with its loss and learning rate. */
  onIteration?: (info: IterationInfo, solver: Solver) => void;
  /** After every epoch's accuracy checks, with the epoch's record (also appended to `history`). */
  onEpochEnd?: (record: EpochRecord, solver: Solver) => void;
  /** A new best validation accuracy; its parameters were just saved. */
  onBest?: (record: EpochRecord, solver: Solver) => void;
  /** After a checkpoint was written to `path`, and why. */
  onCheckpoint?: (path: string, reason: CheckpointReason, solver: Solver) => void;
}

/** The training options (train/options.ts) and the events. */
export interface SolverOptions extends TrainingOptions {
  events: SolverEvents;
}

const EVENT_NAMES = ['onIteration', 'onEpochEnd', 'onBest', 'onCheckpoint'];

const checkEvents: Check = (v) => {
  if (v === null || typeof v !== 'object') return `an object with ${EVENT_NAMES.join(', ')}`;
  for (const [k, f] of Object.entries(v)) {
    if (!EVENT_NAMES.includes(k)) return `an object with only ${EVENT_NAMES.join(', ')} (unknown event '${k}')`;
    if (typeof f !== 'function') return `an object of functions ('${k}' is ${show(f)})`;
  }
  return null;
};

/**
 * Trains a classifier: shuffled mini-batches, an update rule and a learning-rate schedule,
 * per-epoch accuracy checks, best-model tracking, checkpoints and exact resume.
 *
 * The Solver checks what it is given and holds one TrainingRun; the parts of training are in
 * train/: the loop (loop.ts), one iteration (iteration.ts) on a prepared batch (batches.ts),
 * the end of an epoch (epoch-end.ts), the best model (best.ts), the run's position and
 * generators (run-state.ts), checkpoints (checkpoint.ts) and the checks before training
 * (validate.ts).
 */
export class Solver {
  readonly model: TrainableModel;
  readonly criterion: LossFunction;
  readonly data: TrainingData;
  readonly options: Readonly<SolverOptions>;
  readonly rule: UpdateRule;
  readonly schedule: Schedule;
  private readonly run: TrainingRun;

  constructor(
    model: TrainableModel,
    criterion: LossFunction,
    data: TrainingData,
    options: Partial<SolverOptions> = {},
  ) {
    this.options = checkOptions<SolverOptions>(
      'Solver',
      { ...TRAINING_DEFAULTS, events: {} },
      { ...TRAINING_CHECKS, events: checkEvents },
      options,
    );
    checkModel(model);
    checkCriterion(criterion);
    checkData(data);
    this.model = model;
    this.criterion = criterion;
    this.data = data;
    this.rule = updateRuleOf(this.options);
    this.schedule = scheduleOf(this.options);
    checkScheduleFitsRule(this.schedule, this.rule);
    const events = this.options.events;
    this.run = new TrainingRun(model, criterion, data, this.options, this.rule, this.schedule, {
      onIteration: (info) => events.onIteration?.(info, this),
      onEpochEnd: (record) => events.onEpochEnd?.(record, this),
      onBest: (record) => events.onBest?.(record, this),
      onCheckpoint: (path, reason) => events.onCheckpoint?.(path, reason, this),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Training

  /** Runs the remaining epochs (see train/loop.ts for what each epoch does and how it ends). */
  train(): Promise<TrainResult> {
    return train(this.run);
  }

  /** Asks a running train() to stop after the current iteration (what SIGINT/SIGTERM do). */
  requestStop(): void {
    this.run.stopRequested = true;
  }

  /** Checks data, model and labels as train() does before its first iteration; returns the parameters. */
  validate(): Parameter[] {
    return validate(this.run);
  }

  /** The histories of the run: one record per iteration and per epoch. */
  get history(): History {
    return this.run.history;
  }

  /** Epochs completed so far, and iterations. */
  get epochsDone(): number {
    return this.run.state.epoch;
  }

  get iterationsDone(): number {
    return this.run.state.iteration;
  }

  // -------------------------------------------------------------------------------------------
  // Checkpoints

  /** The whole run state as a checkpoint file (atomic write). */
  saveCheckpoint(path: string, reason: CheckpointReason = 'manual'): void {
    saveCheckpoint(this.run, path, reason);
  }

  /**
   * Restores a run from a checkpoint: model, update rule, schedule, Rng states, counters,
   * histories and best model. train() then continues exactly where the checkpoint was taken.
   */
  loadCheckpoint(path: string): void {
    loadCheckpoint(this.run, path);
  }

  // -------------------------------------------------------------------------------------------
  // Prediction (batched; never one giant batch)

  /** The predicted class of every example of x, in batches of the evaluation batch size; see `predict`. */
  predict(x: Examples, options: PredictOptions = {}): Int32Array {
    return predict(this.model, x, { batchSize: evalBatchSizeOf(this.options), ...options });
  }

  /** Class probabilities [N, K] for every example of x, in batches; see `predictProba`. */
  predictProba(x: Examples, options: PredictOptions = {}): Tensor {
    return predictProba(this.model, x, { batchSize: evalBatchSizeOf(this.options), ...options });
  }

  /**
   * Accuracy (top-1 and the configured top-k), confusion matrix and mean loss of the model on (x, y); see `evaluate`.
   */
  evaluate(x: Examples, y: Int32Array, options: PredictOptions = {}): Evaluation {
    return evaluate(this.model, x, y, {
      batchSize: evalBatchSizeOf(this.options),
      topK: this.options.topK,
      criterion: this.criterion,
      ...options,
    });
  }

  // -------------------------------------------------------------------------------------------
  // The best model

  /**
   * Writes the best model's state dict (by validation accuracy; the current model's before the
   * first epoch ends) as a safetensors file, with `metadata` (e.g. the model config) and the
   * best epoch and accuracy.
   */
  exportBest(path: string, metadata: Record<string, string> = {}): void {
    this.run.best.export(path, metadata, this.model);
  }

  /** The best model's state so far (null before the first epoch ends). */
  get bestModelState(): Record<string, Tensor> | null {
    return this.run.best.state;
  }
}
