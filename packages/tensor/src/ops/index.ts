/**
 * The ops front-end: every op validates its arguments (ShapeError naming the op and shapes),
 * allocates its output on the active backend or writes into `out`, and calls one kernel of
 * the active backend.
 */
export {
  add, sub, mul, div, maximum, minimum, pow, addRelu,
  neg, exp, log, sqrt, abs, relu, tanh, sigmoid, square, sign,
  broadcastShape,
  threshold, thresholdBackward, axpby, fill, copy, clone,
} from './elementwise.js';
export { sum, mean, max, min, argmax, topk } from './reduce.js';
export { matmul, type MatmulArgs } from './matmul.js';
export { permute, transpose, concat, pad, padBackward, type Pads } from './layout.js';
export {
  conv2d, conv2dBackwardData, conv2dBackwardFilter, conv2dOutputSize,
  type Conv2dOptions, type FilterGradients,
} from './conv.js';
export {
  convTranspose2d, convTranspose2dBackwardData, convTranspose2dBackwardFilter, convTranspose2dOutputSize,
  type ConvTranspose2dOptions,
} from './conv-transpose.js';
export { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward, pool2dOutputSize, type Pool2dOptions } from './pool.js';
export {
  batchNormTrain, batchNormEval, batchNormApply, batchNormInvStd, batchNormBackward,
  type BatchNormTrainOptions, type BatchNormGradients,
} from './batchnorm.js';
export { upsampleNearest2d, upsampleNearest2dBackward } from './upsample.js';
export { softmax, logSoftmax, softmaxBackward, logSoftmaxBackward } from './softmax.js';
