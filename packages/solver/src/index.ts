/**
 * @funt/solver: update rules, learning-rate schedules and the training loop.
 */
export { SolverConfigError, NonFiniteLossError } from './errors.js';
export type { Parameter, TrainableModel, LossFunction } from './model.js';
export { UpdateRule, type RuleConfig, type RuleState } from './optim/update-rule.js';
export { Sgd, type SgdConfig } from './optim/sgd.js';
export { SgdMomentum, type SgdMomentumConfig } from './optim/sgd-momentum.js';
export { Nesterov, type NesterovConfig } from './optim/nesterov.js';
export { RmsProp, type RmsPropConfig } from './optim/rmsprop.js';
export { Adam, type AdamConfig } from './optim/adam.js';
export { AdamW } from './optim/adamw.js';
export { createUpdateRule, updateRuleNames, type UpdateRuleName } from './optim/registry.js';
export type { Schedule, ScheduleState } from './schedule/schedule.js';
export { ConstantSchedule } from './schedule/constant.js';
export { ExponentialSchedule, type ExponentialOptions } from './schedule/exponential.js';
export { MultiStepSchedule, type MultiStepOptions } from './schedule/multistep.js';
export { LambdaSchedule } from './schedule/lambda.js';
export { CosineSchedule, type CosineOptions } from './schedule/cosine.js';
export { WarmupSchedule, type WarmupOptions } from './schedule/warmup.js';
export { createSchedule } from './schedule/registry.js';
export { type TrainingData, BatchGatherer, checkData } from './data.js';
export { ConfusionMatrix, argmaxRows, rankOfTrueClass } from './metrics.js';
export {
  type BatchHook, type PredictOptions, type EvaluateOptions, type Evaluation,
  predict, predictProba, evaluate, forEachBatch,
} from './predict.js';
export { History, HISTORY_FILES, type IterationRecord, type EpochRecord } from './history.js';
export { type ProgressMode, formatEpoch } from './progress.js';
export {
  type CheckpointState, type CheckpointContents, CHECKPOINT_METADATA_KEY, saveCheckpoint, loadCheckpoint,
} from './checkpoint.js';
export {
  Solver, type SolverOptions, type SolverEvents, type TrainResult, type IterationInfo, type AugmentHook, type CheckpointReason,
} from './solver.js';
