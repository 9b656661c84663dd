/**
 * Everything in @funt/solver, the same on every host, exported by both entry points: index.ts
 * (Node) installs the platform with files and the terminal bar, browser.ts the one without.
 */

// The Solver: trains a classifier with checkpoints, exact resume and accuracy checks.

export type { Check } from './checks.js';
export type { ExampleSource, ExampleSourceRecipe, Examples, TrainingData } from './data.js';
export { DivergenceError, NonFiniteLossError, NonFiniteParameterError, SolverConfigError } from './errors.js';
export type { LossFunction, Parameter, TrainableModel } from './model.js';
export { Solver, type SolverEvents, type SolverOptions } from './solver.js';
export type { CheckpointReason, IterationInfo } from './train/events.js';
export { firstNonFinite, type Named } from './train/finite.js';
export type { TrainResult } from './train/loop.js';
export type { AugmentHook } from './train/options.js';
export type { ProgressMode, ProgressStream } from './train/progress.js';

// Histories of a run and the files they are written to.

export {
  type EpochRecord,
  HISTORY_FILES,
  History,
  type IterationRecord,
  type StopReason,
  type StopRecord,
} from './history.js';

// Prediction and evaluation of any model, in batches.

export {
  type BatchHook,
  type EvaluateOptions,
  type Evaluation,
  evaluate,
  type PredictOptions,
  predict,
  predictProba,
} from './predict.js';

// Update rules.

export { Adam, type AdamConfig } from './optim/adam.js';
export { AdamW } from './optim/adamw.js';
export { clipGradNorm, gradNorm } from './optim/clip-grad-norm.js';
export { Nesterov, type NesterovConfig } from './optim/nesterov.js';
export { createUpdateRule } from './optim/registry.js';
export { RmsProp, type RmsPropConfig } from './optim/rmsprop.js';
export { Sgd, type SgdConfig } from './optim/sgd.js';
export { SgdMomentum, type SgdMomentumConfig } from './optim/sgd-momentum.js';
export { type RuleConfig, type RuleState, UpdateRule } from './optim/update-rule.js';

// Learning-rate schedules.

export { ConstantSchedule } from './schedule/constant.js';
export { type CosineOptions, CosineSchedule } from './schedule/cosine.js';
export { type ExponentialOptions, ExponentialSchedule } from './schedule/exponential.js';
export { LambdaSchedule } from './schedule/lambda.js';
export { type MultiStepOptions, MultiStepSchedule } from './schedule/multistep.js';
export { type OneCycleOptions, OneCycleSchedule } from './schedule/one-cycle.js';
export { createSchedule } from './schedule/registry.js';
export type { Schedule, ScheduleState } from './schedule/schedule.js';
export { type WarmupOptions, WarmupSchedule } from './schedule/warmup.js';
