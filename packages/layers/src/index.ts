/**
 * @funt/layers: Torch-style neural-network modules with explicit forward and backward passes,
 * buffers reused across iterations, and gradient checks for every one of them.
 */

// Activations
export { LogSoftMax } from './activations/log-softmax.js';
export { ReLU } from './activations/relu.js';
export { Sigmoid } from './activations/sigmoid.js';
export { SoftMax } from './activations/softmax.js';
export { Tanh } from './activations/tanh.js';
export { Threshold } from './activations/threshold.js';
// Gradient and backend checks
export {
  type BackendComparison,
  type BackendComparisonOptions,
  compareBackends,
  scaledError,
} from './checking/backend-check.js';
export {
  checkCriterionGradients,
  checkModuleGradients,
  type GradCheckOptions,
  type GradCheckReport,
  type GradError,
  numericalGradient,
  relativeError,
} from './checking/gradcheck.js';
// Containers and table modules
export { CAddTable } from './containers/cadd-table.js';
export { ConcatTable } from './containers/concat-table.js';
export { Identity } from './containers/identity.js';
export { Parallel } from './containers/parallel.js';
export { Sequential } from './containers/sequential.js';
// Criteria
export { ClassNLLCriterion } from './criteria/class-nll-criterion.js';
export { Criterion, type Target } from './criteria/criterion.js';
export { CrossEntropyCriterion } from './criteria/cross-entropy-criterion.js';
export { MSECriterion } from './criteria/mse-criterion.js';
// Dense modules
export { BatchNormalization } from './dense/batch-normalization.js';
export { Dropout } from './dense/dropout.js';
export { Affine, Linear } from './dense/linear.js';
export { MulConstant } from './dense/mul-constant.js';
export { Reshape } from './dense/reshape.js';
export { View } from './dense/view.js';
// Initialisation
export { defaultRng, manualSeed } from './init/default-rng.js';
export type { Fans, Initializer, InitOptions } from './init/initializers.js';
export * as init from './init/initializers.js';
// The module contract: Module, Container, the base classes and errors
export type { Activity, ActivityShape } from './module/activity.js';
export { Container } from './module/container.js';
export { LayerError, type Named, type ShapeLike } from './module/errors.js';
export { Module, type Parameter, type StateBuffer } from './module/module.js';
export { summary } from './module/summary.js';
export type { TensorCache } from './module/tensor-cache.js';
export { WeightedModule } from './module/weighted-module.js';
// Memory plan and fused activations
export { foldBatchNorms, unfoldBatchNorms } from './plan/fold-batch-norms.js';
export { fuseActivations, unfuseActivations } from './plan/fuse-activations.js';
export { fuseResidualJoins, unfuseResidualJoins } from './plan/fuse-residual-joins.js';
export type { MemoryPlan, PlanPolicy, PlanStats } from './plan/memory-plan.js';
export { cachedOutputAndGradient, type MemoryUse } from './plan/memory-use.js';
export type { PlanBuilder, PlannedActivity, PlannedTensor, SizeSource } from './plan/plan-builder.js';
// Spatial modules (input [N, C, H, W])
export { Convolution, type ConvolutionKernels } from './spatial/convolution.js';
export { Padding } from './spatial/padding.js';
export { SpatialAveragePooling } from './spatial/spatial-average-pooling.js';
export { SpatialBatchNormalization } from './spatial/spatial-batch-normalization.js';
export { SpatialConvolution } from './spatial/spatial-convolution.js';
export { SpatialFullConvolution } from './spatial/spatial-full-convolution.js';
export { SpatialMaxPooling } from './spatial/spatial-max-pooling.js';
export { SpatialPadding } from './spatial/spatial-padding.js';
export { SpatialPooling } from './spatial/spatial-pooling.js';
export { SpatialReflectionPadding } from './spatial/spatial-reflection-padding.js';
export { SpatialReplicationPadding } from './spatial/spatial-replication-padding.js';
export { SpatialUpSamplingNearest } from './spatial/spatial-up-sampling-nearest.js';
