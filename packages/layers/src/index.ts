/**
 * @funt/layers: Torch-style neural-network modules with explicit forward and backward passes,
 * buffers reused across iterations, and gradient checks for every one of them.
 */
export type { Activity } from './activity.js';
export { LayerError, describeModule, describeShape, type Named, type ShapeLike } from './errors.js';
export { Workspace, type Lender } from './workspace.js';
export { MemoryPlan, PlanBuilder, PlannedBuffer, type Flow, type PlanStats, type Policy, type SizeSource } from './memory-plan.js';
export { Module, type Parameter, type Buffer } from './module.js';
export { Container } from './container.js';
export { WeightedModule } from './weighted.js';

// Containers
export { Sequential } from './sequential.js';
export { ConcatTable } from './concat-table.js';
export { Parallel } from './parallel.js';
export { CAddTable } from './cadd-table.js';
export { Identity } from './identity.js';

// Spatial
export { Convolution, type ConvolutionKernels } from './convolution.js';
export { SpatialConvolution } from './spatial-convolution.js';
export { SpatialFullConvolution } from './spatial-full-convolution.js';
export { SpatialPooling } from './spatial-pooling.js';
export { SpatialMaxPooling } from './spatial-max-pooling.js';
export { SpatialAveragePooling } from './spatial-average-pooling.js';
export { SpatialBatchNormalization } from './spatial-batch-normalization.js';
export { SpatialPadding } from './spatial-padding.js';
export { SpatialReflectionPadding } from './spatial-reflection-padding.js';
export { SpatialReplicationPadding } from './spatial-replication-padding.js';
export { SpatialUpSamplingNearest } from './spatial-up-sampling-nearest.js';
export { Padding } from './padding.js';

// Dense
export { Linear, Affine } from './linear.js';
export { BatchNormalization } from './batch-normalization.js';
export { Dropout } from './dropout.js';
export { Reshape } from './reshape.js';
export { View } from './view.js';
export { MulConstant } from './mul-constant.js';

// Activations
export { Threshold } from './threshold.js';
export { ReLU } from './relu.js';
export { Sigmoid } from './sigmoid.js';
export { Tanh } from './tanh.js';
export { SoftMax } from './softmax.js';
export { LogSoftMax } from './log-softmax.js';
export { fuseActivations, unfuseActivations } from './fuse-activations.js';
export { ReluFusion } from './relu-fusion.js';

// Criteria
export { Criterion, type Target } from './criterion.js';
export { ClassNLLCriterion } from './class-nll-criterion.js';
export { CrossEntropyCriterion } from './cross-entropy-criterion.js';
export { MSECriterion } from './mse-criterion.js';

// Initialisation and checking
export * as init from './init.js';
export {
  torchDefault, kaimingNormal, kaimingUniform, xavierUniform, xavierNormal, uniformUnit, zeros, ones,
  manualSeed, defaultRng, type Initializer, type InitOptions, type Fans,
} from './init.js';
export {
  relativeError, numericalGradient, checkModuleGradients, checkCriterionGradients,
  type GradCheckOptions, type GradCheckReport, type GradError,
} from './gradcheck.js';
export { compareBackends, scaledError, type BackendComparison, type BackendComparisonOptions } from './backend-check.js';
