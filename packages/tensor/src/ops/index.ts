/**
 * The ops front-end: every op validates its arguments (ShapeError naming the op and shapes),
 * allocates its output on the active backend or writes into `out`, and calls one kernel of
 * the active backend.
 */

export {
  type BatchNormGradients,
  type BatchNormTrainOptions,
  batchNormApply,
  batchNormBackward,
  batchNormEval,
  batchNormInvStd,
  batchNormTrain,
} from './batchnorm.js';
export {
  type Conv2dEpilogueOptions,
  conv2d,
  conv2dBackwardData,
  conv2dBackwardFilter,
  type FilterGradients,
} from './conv.js';
export { type Conv2dOptions, conv2dOutputSize, convTranspose2dOutputSize } from './conv-geometry.js';
export {
  type ConvTranspose2dOptions,
  convTranspose2d,
  convTranspose2dBackwardData,
  convTranspose2dBackwardFilter,
} from './conv-transpose.js';
export {
  abs,
  add,
  addRelu,
  axpby,
  broadcastShape,
  clone,
  copy,
  div,
  exp,
  fill,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  sigmoid,
  sign,
  sqrt,
  square,
  sub,
  tanh,
  threshold,
  thresholdBackward,
} from './elementwise.js';
export { concat, type Pads, pad, padBackward, permute, transpose } from './layout.js';
export { type MatmulArgs, matmul } from './matmul.js';
export {
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
  type Pool2dOptions,
  pool2dOutputSize,
} from './pool.js';
export { argmax, max, mean, min, sum, topk } from './reduce.js';
export { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from './softmax.js';
export { upsampleNearest2d, upsampleNearest2dBackward } from './upsample.js';
