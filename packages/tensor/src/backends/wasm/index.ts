import type { Backend } from '../../backend.js';
import type { HeapStats } from '../../memory.js';
import { createReferenceBackend } from '../reference/index.js';
import { batchNormApply, batchNormBackward, batchNormTrain } from './batchnorm.js';
import { conv2d, conv2dBackwardData, conv2dBackwardFilter } from './conv.js';
import { axpby, binary, copy, fill, threshold, thresholdBackward, unary } from './elementwise.js';
import { wasmRuntime } from './kernels.js';
import { matmul } from './matmul.js';
import type { WasmContext } from './operands.js';
import { pad, padBackward } from './pad.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { argmax, reduce } from './reduce.js';
import { ScratchArena } from './scratch-arena.js';
import { softmax, softmaxBackward } from './softmax.js';
import { WinogradWeightCache } from './winograd-weights.js';

let context: WasmContext | null = null;

function wasmContext(): WasmContext {
  if (!context) {
    const runtime = wasmRuntime();
    context = {
      runtime,
      kernels: runtime.kernels,
      arena: new ScratchArena(runtime.heap),
      winogradWeights: new WinogradWeightCache(runtime.heap, runtime.kernels),
      reference: createReferenceBackend(),
    };
  }
  return context;
}

/**
 * The WebAssembly SIMD backend (float32 only). Tensor storage lives in the shared wasm memory,
 * so kernels work in place; the hot kernels are AssemblyScript (assembly/), and the rare
 * data-movement kernels (permute, concat, pad, upsample, general broadcasting) reuse the
 * reference loops, which read `tensor.data` and so work on wasm tensors as well.
 */
export function createWasmBackend(): Backend {
  const ctx = wasmContext();
  const ref = ctx.reference;
  return {
    name: 'wasm',
    dtypes: ['float32'],
    allocator: ctx.runtime.heap,
    fill: (out, value) => fill(ctx, out, value),
    copy: (src, dst) => copy(ctx, src, dst),
    unary: (op, x, out) => unary(ctx, op, x, out),
    binary: (op, a, b, out, relu) => binary(ctx, op, a, b, out, relu),
    threshold: (x, th, value, out) => threshold(ctx, x, th, value, out),
    thresholdBackward: (x, dy, th, dx) => thresholdBackward(ctx, x, dy, th, dx),
    axpby: (alpha, x, beta, out) => axpby(ctx, alpha, x, beta, out),
    reduce: (op, x, axes, out) => reduce(ctx, op, x, axes, out),
    argmax: (x, axis, out) => argmax(ctx, x, axis, out),
    matmul: (a, b, out, options) => matmul(ctx, a, b, out, options),
    permute: (x, perm, out) => ref.permute(x, perm, out),
    concat: (xs, axis, out) => ref.concat(xs, axis, out),
    pad: (x, pads, mode, value, out) => pad(ctx, x, pads, mode, value, out),
    padBackward: (dy, pads, mode, dx) => padBackward(ctx, dy, pads, mode, dx),
    conv2d: (x, w, bias, y, p, epilogue) => conv2d(ctx, x, w, bias, y, p, epilogue),
    convEpilogue: true,
    conv2dBackwardData: (dy, w, dx, p) => conv2dBackwardData(ctx, dy, w, dx, p),
    conv2dBackwardFilter: (x, dy, dw, db, p, accumulate) => conv2dBackwardFilter(ctx, x, dy, dw, db, p, accumulate),
    maxPool2d: (x, y, p) => maxPool2d(ctx, x, y, p),
    maxPool2dBackward: (x, dy, dx, p) => maxPool2dBackward(ctx, x, dy, dx, p),
    avgPool2d: (x, y, p) => avgPool2d(ctx, x, y, p),
    avgPool2dBackward: (dy, dx, p) => avgPool2dBackward(ctx, dy, dx, p),
    batchNormTrain: (...args) => batchNormTrain(ctx, ...args),
    batchNormApply: (x, gamma, beta, mean, invStd, y, relu) =>
      batchNormApply(ctx, x, gamma, beta, mean, invStd, y, relu),
    batchNormBackward: (x, dy, gamma, mean, invStd, dx, dgamma, dbeta, training, rectified) =>
      batchNormBackward(ctx, x, dy, gamma, mean, invStd, dx, dgamma, dbeta, training, rectified),
    upsampleNearest2d: (x, y, scaleH, scaleW) => ref.upsampleNearest2d(x, y, scaleH, scaleW),
    upsampleNearest2dBackward: (dy, dx, scaleH, scaleW) => ref.upsampleNearest2dBackward(dy, dx, scaleH, scaleW),
    softmax: (x, y, log) => softmax(ctx, x, y, log),
    softmaxBackward: (y, dy, dx, log) => softmaxBackward(ctx, y, dy, dx, log),
  };
}

/** The wasm backend's heap statistics (`HeapStats`) plus the size of the kernels' scratch arena. */
export interface WasmMemoryStats extends HeapStats {
  /** Bytes of the kernels' scratch arena (part of bytesInUse). */
  scratchArenaBytes: number;
}

/**
 * Heap statistics of the wasm backend: bytes in live tensors and scratch, bytes cached for
 * reuse, and the size of the linear memory. Instantiates the backend's memory if needed.
 */
export function wasmMemoryStats(): WasmMemoryStats {
  const ctx = wasmContext();
  return { ...ctx.runtime.heap.stats(), scratchArenaBytes: ctx.arena.bytes };
}
