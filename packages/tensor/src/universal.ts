/**
 * Everything in @funt/tensor that runs on every host, exported by both entry points (index.ts
 * for Node, browser.ts for browsers). It registers the two backends; the entry point installs
 * the platform (platform/) they load their kernels and start their threads through.
 */

import { createReferenceBackend } from './backends/reference/index.js';
import { createWasmBackend } from './backends/wasm/index.js';
import { registerBackend } from './engine.js';

registerBackend('reference', createReferenceBackend);
registerBackend('wasm', createWasmBackend);

export type {
  Backend,
  BinaryOp,
  Conv2dParams,
  ConvEpilogue,
  MatmulOptions,
  PadMode,
  Pool2dParams,
  ReduceOp,
  UnaryOp,
} from './backend.js';
export { type WasmMemoryStats, wasmMemoryStats } from './backends/wasm/index.js';
export { type KernelBuildName, relaxedSimdSupported } from './backends/wasm/kernel-builds.js';
export { kernelBuild } from './backends/wasm/kernels.js';
export { ready } from './backends/wasm/ready.js';
export { getThreads, setThreads, threadLimit, threadsReady } from './backends/wasm/threads/settings.js';
export * from './creation.js';
export type { DataArray, DType } from './dtype.js';
export {
  backendByName,
  getBackend,
  getDefaultDType,
  listBackends,
  registerBackend,
  setBackend,
  setDefaultDType,
  withBackend,
} from './engine.js';
export { DisposedError, formatShape, ShapeError } from './errors.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsContents,
  SafetensorsError,
  type SafetensorsReadOptions,
} from './io/safetensors.js';
export { type Allocator, HeapAllocator, type HeapStats, JsAllocator, type Storage } from './memory.js';
export { numericalGradient } from './numerical-gradient.js';
export * from './ops/index.js';
export type { ThreadLimit } from './platform/platform.js';
export { Rng, type RngState } from './random.js';
export { keep, type Scoped, tidy } from './scope.js';
export { type Shape, sameShape, sizeOf, stridesOf } from './shape.js';
export { type NestedArray, Tensor } from './tensor.js';
export type { WasmMemory } from './webassembly-api.js';
