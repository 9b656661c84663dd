import type { Backend } from '../../backend.js';
import { JsAllocator } from '../../memory.js';
import { batchNormApply, batchNormBackward, batchNormTrain } from './batchnorm.js';
import { conv2d, conv2dBackwardData, conv2dBackwardFilter } from './conv.js';
import { axpby, binary, copy, fill, threshold, thresholdBackward, unary } from './elementwise.js';
import { concat, pad, padBackward, permute } from './layout.js';
import { matmul } from './matmul.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { argmax, reduce } from './reduce.js';
import { softmax, softmaxBackward } from './softmax.js';
import { upsampleNearest2d, upsampleNearest2dBackward } from './upsample.js';

/**
 * The reference backend: plain loops over typed arrays, written to be obviously correct.
 * It is the ground truth the wasm backend is tested against, and it computes in float32 or
 * float64 (the latter for gradient checks). Its kernels read `tensor.data`, so they also work
 * on tensors whose storage lives in WebAssembly memory. One file per kernel family.
 */
export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    dtypes: ['float32', 'float64'],
    allocator: new JsAllocator(),
    fill,
    copy,
    unary,
    binary,
    threshold,
    thresholdBackward,
    axpby,
    reduce,
    argmax,
    matmul,
    permute,
    concat,
    pad,
    padBackward,
    conv2d,
    convEpilogue: true,
    conv2dBackwardData,
    conv2dBackwardFilter,
    maxPool2d,
    maxPool2dBackward,
    avgPool2d,
    avgPool2dBackward,
    batchNormTrain,
    batchNormApply,
    batchNormBackward,
    upsampleNearest2d,
    upsampleNearest2dBackward,
    softmax,
    softmaxBackward,
  };
}
