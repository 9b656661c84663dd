import type { Rng, Tensor } from '@funt/tensor';
import { isBoolean, isFunction, numberIn, oneOf } from '../checks.js';
import { SolverConfigError } from '../errors.js';
import { createUpdateRule } from '../optim/registry.js';
import { UpdateRule } from '../optim/update-rule.js';
import type { BatchHook } from '../predict.js';
import { ConstantSchedule } from '../schedule/constant.js';
import { createSchedule } from '../schedule/registry.js';
import type { Schedule, ScheduleState } from '../schedule/schedule.js';
import { WarmupSchedule } from '../schedule/warmup.js';
import type { ProgressMode, ProgressStream } from './progress.js';

/** Augmentation of a training batch; returns the batch (modified in place) or a new tensor it hands over. */
export type AugmentHook = (batch: Tensor, rng: Rng) => Tensor;

/**
 * What a training run is configured with: every Solver option but `events` (see solver.ts),
 * with its default and its check below.
 */
export interface TrainingOptions {
  /** Examples per iteration (default 100). */
  batchSize: number;
  /** Epochs to train (default 10). A resumed run continues up to this number. */
  numEpochs: number;
  /** An update rule, or its name ('sgd', 'sgdMomentum', 'nesterov', 'rmsprop', 'adam', 'adamw'). Default 'sgd'. */
  updateRule: string | UpdateRule;
  /** Options of a named update rule, e.g. { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }. */
  optimConfig: Record<string, number | boolean>;
  /** Learning-rate schedule (a Schedule or its description); default constant. */
  schedule: Schedule | ScheduleState | null;
  /**
   * Linear warm-up in front of the schedule, whatever it is: the rate ramps from 0.1× to the
   * scheduled rate over this many epochs (fractional allowed), every iteration. 0 = none (default).
   */
  warmupEpochs: number;
  /** Batch augmentation, called with the gathered batch and the solver's augmentation Rng. */
  augment: AugmentHook | null;
  /** Pre-processing of batches for the training-accuracy check (e.g. a centre crop). */
  preprocessTrain: BatchHook | null;
  /** Pre-processing of batches for the validation check. */
  preprocessVal: BatchHook | null;
  /** Training examples (drawn at random each epoch, without replacement) checked for accuracy (default 1000). */
  numTrainSamples: number;
  /** Validation examples checked (the first n); null = all (default). */
  numValSamples: number | null;
  /** Batch size of the accuracy checks (default: batchSize). */
  evalBatchSize: number | null;
  /** k of the top-k accuracy (default 5). */
  topK: number;
  /** Seed of the data order and augmentation (default 0). */
  seed: number;
  /** Load the best parameters (by validation accuracy) into the model when training completes (default true). */
  restoreBest: boolean;
  /** Where checkpoints go (one file, rewritten atomically); null = no checkpoints. */
  checkpointPath: string | null;
  /** Write a checkpoint every k epochs (default 1), plus on interrupt, on error and at the end. */
  checkpointEvery: number;
  /** Load `checkpointPath` at the start of train() when it exists (default false). */
  resume: boolean;
  /** Stop cleanly (checkpoint, then return) on SIGINT/SIGTERM during train() (default true). */
  handleSignals: boolean;
  /** 'auto' (bar on a TTY, lines otherwise), 'bar', 'lines' or 'none'. */
  progress: ProgressMode;
  /** In 'lines' mode, print every n iterations (default 50). */
  printEvery: number;
  /** Where progress goes; null (the default): process.stdout in Node, nothing in a browser. */
  stream: ProgressStream | null;
  /** Folder where the CSV and JSON histories are (re)written after every epoch; null = none. */
  historyDir: string | null;
  /**
   * Early stopping: stop after this many epochs without a better validation accuracy than
   * the best so far (then restore the best as usual); null = off (default).
   */
  patience: number | null;
  /**
   * Gradient clipping by global norm (PyTorch's clip_grad_norm_): before each update, all the
   * gradients are scaled by clipGradNorm / (total norm + 1e-6) when that is below 1. The total
   * norm goes to the iteration events and history. Infinity measures it without clipping;
   * null = off (default).
   */
  clipGradNorm: number | null;
  /**
   * Read each training batch's rows in a worker thread while the kernels run the batch before
   * (Node; data.xTrain must be an ExampleSource with a `recipe`, such as an image cache on
   * disk). Order, augmentation and every random draw stay as without it (default false).
   */
  prepareInWorker: boolean;
}

export const TRAINING_DEFAULTS: TrainingOptions = {
  batchSize: 100,
  numEpochs: 10,
  updateRule: 'sgd',
  optimConfig: {},
  schedule: null,
  warmupEpochs: 0,
  augment: null,
  preprocessTrain: null,
  preprocessVal: null,
  numTrainSamples: 1000,
  numValSamples: null,
  evalBatchSize: null,
  topK: 5,
  seed: 0,
  restoreBest: true,
  checkpointPath: null,
  checkpointEvery: 1,
  resume: false,
  handleSignals: true,
  progress: 'auto',
  printEvery: 50,
  stream: null,
  historyDir: null,
  patience: null,
  clipGradNorm: null,
  prepareInWorker: false,
};

const positiveInt = numberIn(1, Infinity, { integer: true });
const orNull = (check: (v: unknown) => string | null) => (v: unknown) => (v === null ? null : check(v));

export const TRAINING_CHECKS = {
  batchSize: positiveInt,
  numEpochs: positiveInt,
  updateRule: (v: unknown) =>
    typeof v === 'string' || v instanceof UpdateRule ? null : 'a rule name or an UpdateRule',
  optimConfig: (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? null : 'an object'),
  schedule: (v: unknown) =>
    v === null || (typeof v === 'object' && !Array.isArray(v)) ? null : 'a Schedule or { type, ... }',
  warmupEpochs: numberIn(0, Infinity),
  augment: orNull(isFunction('a function (batch, rng) => Tensor')),
  preprocessTrain: orNull(isFunction('a function (batch) => Tensor')),
  preprocessVal: orNull(isFunction('a function (batch) => Tensor')),
  numTrainSamples: numberIn(0, Infinity, { integer: true }),
  numValSamples: orNull(positiveInt),
  evalBatchSize: orNull(positiveInt),
  topK: positiveInt,
  seed: numberIn(-(2 ** 53), 2 ** 53, { integer: true }),
  restoreBest: isBoolean,
  checkpointPath: (v: unknown) =>
    v === null || (typeof v === 'string' && v.length > 0) ? null : 'a file path or null',
  checkpointEvery: positiveInt,
  resume: isBoolean,
  handleSignals: isBoolean,
  progress: oneOf(['auto', 'bar', 'lines', 'none']),
  printEvery: positiveInt,
  stream: (v: unknown) =>
    v === null || (v && typeof (v as ProgressStream).write === 'function') ? null : 'a writable stream or null',
  historyDir: (v: unknown) => (v === null || typeof v === 'string' ? null : 'a folder path or null'),
  patience: orNull(positiveInt),
  clipGradNorm: (v: unknown) =>
    v === null || v === Infinity || numberIn(0, Infinity, { exclusiveMin: true })(v) === null
      ? null
      : 'a number in (0, ∞), Infinity (measure only) or null',
  prepareInWorker: isBoolean,
};

/** The update rule the options name (configured by optimConfig), or the instance they give. */
export function updateRuleOf(o: TrainingOptions): UpdateRule {
  const rule = typeof o.updateRule === 'string' ? createUpdateRule(o.updateRule, o.optimConfig) : o.updateRule;
  if (o.updateRule instanceof UpdateRule && Object.keys(o.optimConfig).length > 0) {
    throw new SolverConfigError(
      'Solver: optimConfig applies to a named updateRule; configure the UpdateRule instance instead',
    );
  }
  return rule;
}

/**
 * The schedule the options give or describe (the constant schedule when there is none), behind
 * a linear warm-up of `warmupEpochs`.
 */
export function scheduleOf(o: TrainingOptions): Schedule {
  const s = o.schedule;
  const schedule =
    s === null
      ? new ConstantSchedule()
      : typeof (s as Schedule).factor === 'function'
        ? (s as Schedule)
        : createSchedule(s as ScheduleState);
  return o.warmupEpochs > 0 ? new WarmupSchedule({ epochs: o.warmupEpochs }, schedule) : schedule;
}

/** A schedule that sets the momentum needs a rule that has one. */
export function checkScheduleFitsRule(schedule: Schedule, rule: UpdateRule): void {
  if (schedule.momentum?.(0, 1) != null && rule.momentum === null) {
    throw new SolverConfigError(
      `Solver: schedule '${schedule.type}' cycles the momentum, but update rule '${rule.name}' has none ` +
        "(use a rule with momentum, or the schedule's cycleMomentum: false)",
    );
  }
}

/** The batch size of the accuracy checks and of prediction. */
export function evalBatchSizeOf(o: TrainingOptions): number {
  return o.evalBatchSize ?? o.batchSize;
}
