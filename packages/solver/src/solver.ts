import * as fs from 'node:fs';
import { clone, copy, Rng, saveSafetensors, type Tensor } from '@funt/tensor';
import {
  CHECKPOINT_VERSION,
  type CheckpointState,
  readCheckpointFile,
  writeCheckpointFile,
} from './checkpoint-file.js';
import { checkOptions, isBoolean, isFunction, numberIn, oneOf, show } from './checks.js';
import { BatchGatherer, checkData, checkLabels, type TrainingData } from './data.js';
import { NonFiniteLossError, SolverConfigError } from './errors.js';
import { type EpochRecord, History } from './history.js';
import { checkScores } from './metrics.js';
import type { LossFunction, Parameter, TrainableModel } from './model.js';
import { loadModuleRngs, saveModuleRngs } from './module-rngs.js';
import { createUpdateRule } from './optim/registry.js';
import { UpdateRule } from './optim/update-rule.js';
import { type BatchHook, type Evaluation, evaluate, type PredictOptions, predict, predictProba } from './predict.js';
import { createProgress, type ProgressMode, type ProgressReporter } from './progress.js';
import { ConstantSchedule } from './schedule/constant.js';
import { createSchedule } from './schedule/registry.js';
import type { Schedule, ScheduleState } from './schedule/schedule.js';
import { InterruptWatch } from './signals.js';

/** Augmentation of a training batch; returns the batch (modified in place) or a new tensor it hands over. */
export type AugmentHook = (batch: Tensor, rng: Rng) => Tensor;

export interface IterationInfo {
  /** 0-based epoch in progress. */
  epoch: number;
  /** 1-based iteration count of the run, and within the epoch. */
  iteration: number;
  iterationInEpoch: number;
  iterationsPerEpoch: number;
  loss: number;
  learningRate: number;
  imagesSeen: number;
}

export type CheckpointReason = 'periodic' | 'interrupt' | 'error' | 'final' | 'manual';

export interface SolverEvents {
  onIteration?: (info: IterationInfo, solver: Solver) => void;
  onEpochEnd?: (record: EpochRecord, solver: Solver) => void;
  /** A new best validation accuracy; its parameters were just saved. */
  onBest?: (record: EpochRecord, solver: Solver) => void;
  onCheckpoint?: (path: string, reason: CheckpointReason, solver: Solver) => void;
}

export interface SolverOptions {
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
  /** Where progress goes (default process.stdout). */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Folder where the CSV and JSON histories are (re)written after every epoch; null = none. */
  historyDir: string | null;
  events: SolverEvents;
}

export interface TrainResult {
  status: 'completed' | 'interrupted';
  /** Epochs completed. */
  epochs: number;
  iterations: number;
  bestValAcc: number;
  /** 1-based epoch of the best validation accuracy (0 if none). */
  bestEpoch: number;
  history: History;
}

const DEFAULTS: SolverOptions = {
  batchSize: 100,
  numEpochs: 10,
  updateRule: 'sgd',
  optimConfig: {},
  schedule: null,
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
  stream: process.stdout,
  historyDir: null,
  events: {},
};

const positiveInt = numberIn(1, Infinity, { integer: true });
const orNull = (check: (v: unknown) => string | null) => (v: unknown) => (v === null ? null : check(v));
const EVENT_NAMES = ['onIteration', 'onEpochEnd', 'onBest', 'onCheckpoint'];

const OPTION_CHECKS = {
  batchSize: positiveInt,
  numEpochs: positiveInt,
  updateRule: (v: unknown) =>
    typeof v === 'string' || v instanceof UpdateRule ? null : 'a rule name or an UpdateRule',
  optimConfig: (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? null : 'an object'),
  schedule: (v: unknown) =>
    v === null || (typeof v === 'object' && !Array.isArray(v)) ? null : 'a Schedule or { type, ... }',
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
  stream: (v: unknown) => (v && typeof (v as NodeJS.WritableStream).write === 'function' ? null : 'a writable stream'),
  historyDir: (v: unknown) => (v === null || typeof v === 'string' ? null : 'a folder path or null'),
  events: (v: unknown) => {
    if (v === null || typeof v !== 'object') return `an object with ${EVENT_NAMES.join(', ')}`;
    for (const [k, f] of Object.entries(v)) {
      if (!EVENT_NAMES.includes(k)) return `an object with only ${EVENT_NAMES.join(', ')} (unknown event '${k}')`;
      if (typeof f !== 'function') return `an object of functions ('${k}' is ${show(f)})`;
    }
    return null;
  },
};

const MODEL_METHODS = [
  'forward',
  'backward',
  'zeroGradParameters',
  'parameters',
  'training',
  'evaluate',
  'stateDict',
  'loadStateDict',
];

/**
 * Trains a classifier: shuffled mini-batches, an update rule and a learning-rate schedule,
 * per-epoch accuracy checks, best-model tracking, checkpoints and exact resume.
 *
 * Each epoch is one pass over a fresh random permutation of the training set (sampling
 * without replacement; PyFunt drew every batch with replacement). Each iteration gathers its
 * rows into one batch tensor on the active backend that is allocated once, applies the
 * augmentation hook, runs forward, loss, backward and the update.
 */
export class Solver {
  readonly model: TrainableModel;
  readonly criterion: LossFunction;
  readonly data: TrainingData;
  readonly options: Readonly<SolverOptions>;
  readonly rule: UpdateRule;
  readonly schedule: Schedule;
  history = new History();

  private readonly shuffleRng: Rng;
  private readonly augmentRng: Rng;
  private epoch = 0;
  private iterationInEpoch = 0;
  private iteration = 0;
  private imagesSeen = 0;
  private epochShuffleState: ReturnType<Rng['getState']>;
  /** True between drawing an epoch's permutation and finishing the epoch. */
  private inEpoch = false;
  /** The augmentation Rng before the iteration in progress (null between iterations). */
  private iterationAugmentState: ReturnType<Rng['getState']> | null = null;
  /** The model's own generators (dropout) before the iteration in progress. */
  private iterationModuleRngs: CheckpointState['moduleRngs'] | null = null;
  private epochLossSum = 0;
  private epochTrainSeconds = 0;
  private epochLearningRate = 0;
  private bestValAcc = -1;
  private bestEpoch = 0;
  private bestState: Record<string, Tensor> | null = null;
  private stopRequested = false;
  /** True while the update rule runs: parameters are then half-updated and must not be checkpointed. */
  private updating = false;
  private lastCheckpoint: string | null = null;
  private progress: ProgressReporter | null = null;

  constructor(
    model: TrainableModel,
    criterion: LossFunction,
    data: TrainingData,
    options: Partial<SolverOptions> = {},
  ) {
    this.options = checkOptions('Solver', DEFAULTS, OPTION_CHECKS, options);
    for (const m of MODEL_METHODS) {
      if (typeof (model as unknown as Record<string, unknown>)?.[m] !== 'function') {
        throw new SolverConfigError(`model must have a ${m}() method (got ${show(model)})`);
      }
    }
    for (const m of ['forward', 'backward']) {
      if (typeof (criterion as unknown as Record<string, unknown>)?.[m] !== 'function') {
        throw new SolverConfigError(`criterion must have a ${m}() method (got ${show(criterion)})`);
      }
    }
    checkData(data);
    this.model = model;
    this.criterion = criterion;
    this.data = data;
    const o = this.options;
    this.rule = typeof o.updateRule === 'string' ? createUpdateRule(o.updateRule, o.optimConfig) : o.updateRule;
    if (o.updateRule instanceof UpdateRule && Object.keys(o.optimConfig).length > 0) {
      throw new SolverConfigError(
        'Solver: optimConfig applies to a named updateRule; configure the UpdateRule instance instead',
      );
    }
    const s = o.schedule;
    this.schedule =
      s === null
        ? new ConstantSchedule()
        : typeof (s as Schedule).factor === 'function'
          ? (s as Schedule)
          : createSchedule(s as ScheduleState);
    const root = new Rng(o.seed);
    this.shuffleRng = root.fork();
    this.augmentRng = root.fork();
    this.epochShuffleState = this.shuffleRng.getState();
  }

  // -------------------------------------------------------------------------------------------
  // Training

  /** Asks a running train() to stop after the current iteration (what SIGINT/SIGTERM do). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** Epochs completed so far, and iterations. */
  get epochsDone(): number {
    return this.epoch;
  }

  get iterationsDone(): number {
    return this.iteration;
  }

  /**
   * Runs the remaining epochs. Resolves with status 'interrupted' after a stop request (a
   * signal or requestStop), having written a checkpoint when a path is set. Rejects with a
   * NonFiniteLossError when the loss becomes NaN/∞ (the last checkpoint is left as it was),
   * and with any other error after writing an error checkpoint.
   */
  async train(): Promise<TrainResult> {
    const o = this.options;
    if (o.resume && o.checkpointPath && fs.existsSync(o.checkpointPath)) this.loadCheckpoint(o.checkpointPath);
    const params = this.validate();
    const n = this.data.xTrain.shape[0];
    const batchSize = Math.min(o.batchSize, n);
    const itersPerEpoch = Math.ceil(n / batchSize);
    const gatherer = new BatchGatherer(this.data.xTrain, batchSize);
    const progress = createProgress(o.progress, o.stream, o.printEvery, o.topK);
    this.progress = progress;
    const watch = new InterruptWatch((signal) => {
      progress.message(`${signal} received: stopping after this iteration (send it again to exit at once)`);
      this.requestStop();
    });
    if (o.handleSignals) watch.install();
    this.stopRequested = false;
    this.updating = false;
    try {
      while (this.epoch < o.numEpochs) {
        // The epoch's order is drawn from the shuffle Rng as it was when the epoch began, so
        // a run resumed mid-epoch sees the same permutation.
        if (this.iterationInEpoch === 0) {
          this.epochShuffleState = this.shuffleRng.getState();
          this.epochLossSum = 0;
          this.epochTrainSeconds = 0;
        } else {
          this.shuffleRng.setState(this.epochShuffleState);
        }
        const order = this.shuffleRng.permutation(n);
        this.inEpoch = true;
        const epochStart = performance.now();
        progress.startEpoch(this.epoch + 1, o.numEpochs, itersPerEpoch, this.iterationInEpoch);
        this.model.training();
        while (this.iterationInEpoch < itersPerEpoch) {
          if (this.stopRequested) return this.interrupt();
          const it = this.iterationInEpoch;
          const lr = this.rule.config.learningRate * this.schedule.factor(this.epoch + it / itersPerEpoch);
          this.rule.learningRate = lr;
          if (it === 0) this.epochLearningRate = lr;
          const from = it * batchSize;
          const to = Math.min(from + batchSize, n);
          const t0 = performance.now();
          const loss = this.runIteration(gatherer, order, from, to, params);
          this.epochTrainSeconds += (performance.now() - t0) / 1000;
          this.iterationInEpoch++;
          this.iteration++;
          this.imagesSeen += to - from;
          this.epochLossSum += loss;
          this.history.iterations.push({ iteration: this.iteration, nImages: this.imagesSeen, loss, learningRate: lr });
          const imagesPerSecond = (this.iterationInEpoch * batchSize) / Math.max(this.epochTrainSeconds, 1e-9);
          progress.iteration(this.iterationInEpoch, { loss, learningRate: lr, imagesPerSecond });
          o.events.onIteration?.(
            {
              epoch: this.epoch,
              iteration: this.iteration,
              iterationInEpoch: this.iterationInEpoch,
              iterationsPerEpoch: itersPerEpoch,
              loss,
              learningRate: lr,
              imagesSeen: this.imagesSeen,
            },
            this,
          );
          // Let signals, timers and the progress bar run.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const record = this.endEpoch(itersPerEpoch, n, epochStart);
        progress.endEpoch(record, o.numEpochs);
        o.events.onEpochEnd?.(record, this);
        if (o.historyDir) this.history.write(o.historyDir);
        if (o.checkpointPath && this.epoch % o.checkpointEvery === 0 && this.epoch < o.numEpochs) {
          this.saveCheckpoint(o.checkpointPath, 'periodic');
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.stopRequested && this.epoch < o.numEpochs) return this.interrupt();
      }
      if (o.checkpointPath) this.saveCheckpoint(o.checkpointPath, 'final');
      if (o.restoreBest && this.bestState) this.model.loadStateDict(this.bestState, { strict: true });
      return this.result('completed');
    } catch (err) {
      this.onError(err);
      throw err;
    } finally {
      watch.uninstall();
      progress.stop();
      this.progress = null;
      gatherer.dispose();
    }
  }

  private runIteration(
    gatherer: BatchGatherer,
    order: Int32Array,
    from: number,
    to: number,
    params: Parameter[],
  ): number {
    this.iterationAugmentState = this.augmentRng.getState();
    this.iterationModuleRngs = saveModuleRngs(this.model);
    const { x, y } = gatherer.gather(order, from, to, this.data.yTrain);
    const input = this.options.augment ? this.options.augment(x, this.augmentRng) : x;
    try {
      const scores = this.model.forward(input);
      checkScores(scores, to - from);
      const loss = this.criterion.forward(scores as Tensor, y);
      if (!Number.isFinite(loss)) {
        throw new NonFiniteLossError(this.iteration + 1, this.epoch + 1, loss, this.lastCheckpoint);
      }
      this.model.zeroGradParameters();
      const gradScores = this.criterion.backward(scores as Tensor, y);
      this.model.backward(input, gradScores);
      this.updating = true;
      this.rule.step(params);
      this.updating = false;
      this.iterationAugmentState = null;
      this.iterationModuleRngs = null;
      return loss;
    } finally {
      if (input !== x) input.dispose();
    }
  }

  /** Accuracy checks, best-model tracking and the epoch's history record. */
  private endEpoch(itersPerEpoch: number, n: number, epochStart: number): EpochRecord {
    const o = this.options;
    const evalBatch = o.evalBatchSize ?? o.batchSize;
    const m = Math.min(o.numTrainSamples, n);
    const trainSubset = m < n ? this.shuffleRng.permutation(n).subarray(0, m) : undefined;
    const nVal = this.data.xVal.shape[0];
    const valSubset =
      o.numValSamples !== null && o.numValSamples < nVal
        ? Int32Array.from({ length: o.numValSamples }, (_, i) => i)
        : undefined;
    const train =
      m > 0
        ? this.check(this.data.xTrain, this.data.yTrain, {
            indices: trainSubset,
            batchSize: evalBatch,
            preprocess: o.preprocessTrain ?? undefined,
          })
        : null;
    const val = this.check(this.data.xVal, this.data.yVal, {
      indices: valSubset,
      batchSize: evalBatch,
      preprocess: o.preprocessVal ?? undefined,
    });
    this.model.training();
    this.epoch++;
    this.iterationInEpoch = 0;
    this.inEpoch = false;
    const record: EpochRecord = {
      epoch: this.epoch,
      trainAcc: train?.top1 ?? NaN,
      trainTopK: train?.topK ?? NaN,
      valAcc: val.top1,
      valTopK: val.topK,
      meanLoss: this.epochLossSum / itersPerEpoch,
      imagesPerSecond: n / Math.max(this.epochTrainSeconds, 1e-9),
      learningRate: this.epochLearningRate,
      seconds: (performance.now() - epochStart) / 1000,
    };
    this.history.epochs.push(record);
    if (val.top1 > this.bestValAcc) {
      this.bestValAcc = val.top1;
      this.bestEpoch = this.epoch;
      this.keepBest();
      o.events.onBest?.(record, this);
    }
    return record;
  }

  private check(x: Tensor, y: Int32Array, options: PredictOptions): Evaluation {
    return evaluate(this.model, x, y, { ...options, topK: this.options.topK });
  }

  /** Copies the model's state into the best-state buffers (allocated on the first call). */
  private keepBest(): void {
    const state = this.model.stateDict();
    if (!this.bestState) {
      this.bestState = {};
      for (const [k, t] of Object.entries(state)) this.bestState[k] = clone(t);
    } else {
      for (const [k, t] of Object.entries(state)) copy(t, this.bestState[k]);
    }
  }

  private interrupt(): TrainResult {
    const path = this.options.checkpointPath;
    if (path) this.saveCheckpoint(path, 'interrupt');
    if (this.options.historyDir) this.history.write(this.options.historyDir);
    this.progress?.message(
      `stopped at epoch ${this.epoch + 1}, iteration ${this.iterationInEpoch}${path ? `; checkpoint '${path}'` : ''}`,
    );
    return this.result('interrupted');
  }

  /** On an error (other than a non-finite loss) write a checkpoint of the last consistent state. */
  private onError(err: unknown): void {
    const path = this.options.checkpointPath;
    if (err instanceof NonFiniteLossError || !path || this.updating) return;
    try {
      this.saveCheckpoint(path, 'error');
    } catch {
      // The original error matters more than a failed rescue.
    }
  }

  private result(status: TrainResult['status']): TrainResult {
    return {
      status,
      epochs: this.epoch,
      iterations: this.iteration,
      bestValAcc: Math.max(this.bestValAcc, 0),
      bestEpoch: this.bestEpoch,
      history: this.history,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Validation

  /**
   * Checks everything before the first iteration: data, model parameters, and, through one
   * forward pass on one example in evaluation mode, that the model accepts the data and
   * scores K classes with every label in [0, K).
   */
  validate(): Parameter[] {
    checkData(this.data);
    const params = this.model.parameters();
    if (!Array.isArray(params) || params.length === 0) {
      throw new SolverConfigError(
        `model.parameters() must return a non-empty list of { name, value, grad }, got ${show(params)}`,
      );
    }
    params.forEach((p, i) => {
      const ok = p?.value && p.grad && p.value.size === p.grad.size;
      if (!ok)
        throw new SolverConfigError(
          `model parameter #${i} (${show(p?.name)}) must have value and grad tensors of the same size`,
        );
    });
    const probe = new BatchGatherer(this.data.xTrain, 1);
    const { x } = probe.gather(null, 0, 1, null);
    let k: number;
    try {
      this.model.evaluate();
      let out: unknown;
      try {
        out = this.model.forward(x);
      } catch (err) {
        throw new SolverConfigError(
          `model.forward failed on one training example of shape [1, ${this.data.xTrain.shape.slice(1).join(', ')}]: ${(err as Error).message}`,
        );
      }
      k = checkScores(out, 1);
    } finally {
      probe.dispose();
      this.model.training();
    }
    checkLabels('data.yTrain', this.data.yTrain, k);
    checkLabels('data.yVal', this.data.yVal, k);
    if (this.bestState) {
      const missing = Object.keys(this.model.stateDict()).find((name) => !(name in this.bestState!));
      if (missing) throw new SolverConfigError(`checkpoint: the best-model state lacks '${missing}'`);
    }
    return params;
  }

  // -------------------------------------------------------------------------------------------
  // Checkpoints

  /** The whole run state as a checkpoint file (atomic write). */
  saveCheckpoint(path: string, reason: CheckpointReason = 'manual'): void {
    const rule = this.rule.state();
    const state: CheckpointState = {
      version: CHECKPOINT_VERSION,
      epoch: this.epoch,
      iterationInEpoch: this.iterationInEpoch,
      iteration: this.iteration,
      imagesSeen: this.imagesSeen,
      shuffleRng: this.inEpoch ? this.epochShuffleState : this.shuffleRng.getState(),
      augmentRng: this.iterationAugmentState ?? this.augmentRng.getState(),
      moduleRngs: this.iterationModuleRngs ?? saveModuleRngs(this.model),
      epochLossSum: this.epochLossSum,
      epochTrainSeconds: this.epochTrainSeconds,
      epochLearningRate: this.epochLearningRate,
      bestValAcc: this.bestValAcc,
      bestEpoch: this.bestEpoch,
      rule: { name: rule.rule, config: rule.config, scalars: rule.scalars },
      schedule: this.schedule.state(),
      history: this.history.toJSON(),
      config: this.describeConfig(),
      parameterNames: this.model.parameters().map((p) => p.name),
    };
    writeCheckpointFile(path, { state, model: this.model.stateDict(), optimizer: rule.tensors, best: this.bestState });
    this.lastCheckpoint = path;
    this.options.events.onCheckpoint?.(path, reason, this);
  }

  /**
   * Restores a run from a checkpoint: model, update rule, schedule, Rng states, counters,
   * histories and best model. train() then continues exactly where the checkpoint was taken.
   */
  loadCheckpoint(path: string): void {
    const { state, model, optimizer, best } = readCheckpointFile(path);
    if (state.rule.name !== this.rule.name) {
      throw new SolverConfigError(
        `checkpoint '${path}' was trained with update rule '${state.rule.name}', this solver uses '${this.rule.name}'`,
      );
    }
    const names = this.model.parameters().map((p) => p.name);
    if (names.length !== state.parameterNames.length || names.some((nm, i) => nm !== state.parameterNames[i])) {
      throw new SolverConfigError(
        `checkpoint '${path}' holds ${state.parameterNames.length} parameters (${state.parameterNames.slice(0, 4).join(', ')}…) ` +
          `that do not match the model's ${names.length} (${names.slice(0, 4).join(', ')}…)`,
      );
    }
    // loadStateDict copies (as @funt/layers modules do), so the loaded tensors can go.
    this.model.loadStateDict(model, { strict: true });
    for (const t of Object.values(model)) t.dispose();
    this.rule.loadState({
      rule: state.rule.name,
      config: state.rule.config,
      scalars: state.rule.scalars,
      tensors: optimizer,
    });
    this.schedule.loadState(state.schedule);
    this.shuffleRng.setState(state.shuffleRng);
    this.epochShuffleState = state.shuffleRng;
    this.augmentRng.setState(state.augmentRng);
    loadModuleRngs(this.model, state.moduleRngs);
    this.iterationAugmentState = null;
    this.iterationModuleRngs = null;
    this.inEpoch = false;
    this.epoch = state.epoch;
    this.iterationInEpoch = state.iterationInEpoch;
    this.iteration = state.iteration;
    this.imagesSeen = state.imagesSeen;
    this.epochLossSum = state.epochLossSum;
    this.epochTrainSeconds = state.epochTrainSeconds;
    this.epochLearningRate = state.epochLearningRate;
    this.bestValAcc = state.bestValAcc;
    this.bestEpoch = state.bestEpoch;
    this.history = History.fromJSON(state.history);
    for (const t of Object.values(optimizer)) t.dispose();
    for (const t of Object.values(this.bestState ?? {})) t.dispose();
    this.bestState = best;
    this.lastCheckpoint = path;
  }

  private describeConfig(): Record<string, unknown> {
    const o = this.options;
    return {
      batchSize: o.batchSize,
      numEpochs: o.numEpochs,
      updateRule: this.rule.name,
      optimConfig: this.rule.config,
      schedule: this.schedule.state(),
      numTrainSamples: o.numTrainSamples,
      numValSamples: o.numValSamples,
      topK: o.topK,
      seed: o.seed,
      augment: o.augment !== null,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Prediction helpers (batched; never one giant batch)

  predict(x: Tensor, options: PredictOptions = {}): Int32Array {
    return predict(this.model, x, { batchSize: this.options.evalBatchSize ?? this.options.batchSize, ...options });
  }

  predictProba(x: Tensor, options: PredictOptions = {}): Tensor {
    return predictProba(this.model, x, { batchSize: this.options.evalBatchSize ?? this.options.batchSize, ...options });
  }

  evaluate(x: Tensor, y: Int32Array, options: PredictOptions = {}): Evaluation {
    return evaluate(this.model, x, y, {
      batchSize: this.options.evalBatchSize ?? this.options.batchSize,
      topK: this.options.topK,
      criterion: this.criterion,
      ...options,
    });
  }

  /**
   * Writes the best model's state dict (by validation accuracy; the current model's before the
   * first epoch ends) as a safetensors file, with `metadata` (e.g. the model config) and the
   * best epoch and accuracy.
   */
  exportBest(path: string, metadata: Record<string, string> = {}): void {
    const state = this.bestState ?? this.model.stateDict();
    saveSafetensors(state, path, {
      ...metadata,
      'funt.best': JSON.stringify({ epoch: this.bestEpoch, valAcc: Math.max(this.bestValAcc, 0) }),
    });
  }

  /** The best model's state so far (null before the first epoch ends). */
  get bestModelState(): Record<string, Tensor> | null {
    return this.bestState;
  }
}
