/**
 * @funt/layers: Torch-style neural-network modules with explicit forward and backward passes,
 * buffers reused across iterations, and gradient checks for every one of them.
 */
export type { Activity } from './activity.js';
export {
  type BackendComparison,
  type BackendComparisonOptions,
  compareBackends,
  scaledError,
} from './backend-check.js';
export { BatchNormalization } from './batch-normalization.js';
export { CAddTable } from './cadd-table.js';
export { ClassNLLCriterion } from './class-nll-criterion.js';
export { ConcatTable } from './concat-table.js';
export { Container } from './container.js';
// Spatial
export { Convolution, type ConvolutionKernels } from './convolution.js';
// Criteria
export { Criterion, type Target } from './criterion.js';
export { CrossEntropyCriterion } from './cross-entropy-criterion.js';
export { Dropout } from './dropout.js';
export { describeModule, describeShape, LayerError, type Named, type ShapeLike } from './errors.js';
export { fuseActivations, unfuseActivations } from './fuse-activations.js';
export {
  checkCriterionGradients,
  checkModuleGradients,
  type GradCheckOptions,
  type GradCheckReport,
  type GradError,
  numericalGradient,
  relativeError,
} from './gradcheck.js';
export { Identity } from './identity.js';
// Initialisation and checking
export * as init from './init.js';
export {
  defaultRng,
  type Fans,
  type Initializer,
  type InitOptions,
  kaimingNormal,
  kaimingUniform,
  manualSeed,
  ones,
  torchDefault,
  uniformUnit,
  xavierNormal,
  xavierUniform,
  zeros,
} from './init.js';
// Dense
export { Affine, Linear } from './linear.js';
export { LogSoftMax } from './log-softmax.js';
export {
  type Flow,
  MemoryPlan,
  PlanBuilder,
  PlannedBuffer,
  type PlanStats,
  type Policy,
  type SizeSource,
} from './memory-plan.js';
export { type Buffer, Module, type Parameter } from './module.js';
export { MSECriterion } from './mse-criterion.js';
export { MulConstant } from './mul-constant.js';
export { Padding } from './padding.js';
export { Parallel } from './parallel.js';
export { ReLU } from './relu.js';
export { ReluFusion } from './relu-fusion.js';
export { Reshape } from './reshape.js';
// Containers
export { Sequential } from './sequential.js';
export { Sigmoid } from './sigmoid.js';
export { SoftMax } from './softmax.js';
export { SpatialAveragePooling } from './spatial-average-pooling.js';
export { SpatialBatchNormalization } from './spatial-batch-normalization.js';
export { SpatialConvolution } from './spatial-convolution.js';
export { SpatialFullConvolution } from './spatial-full-convolution.js';
export { SpatialMaxPooling } from './spatial-max-pooling.js';
export { SpatialPadding } from './spatial-padding.js';
export { SpatialPooling } from './spatial-pooling.js';
export { SpatialReflectionPadding } from './spatial-reflection-padding.js';
export { SpatialReplicationPadding } from './spatial-replication-padding.js';
export { SpatialUpSamplingNearest } from './spatial-up-sampling-nearest.js';
export { Tanh } from './tanh.js';
// Activations
export { Threshold } from './threshold.js';
export { View } from './view.js';
export { WeightedModule } from './weighted.js';
export { type Lender, Workspace } from './workspace.js';
