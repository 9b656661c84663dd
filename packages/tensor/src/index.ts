/**
 * @funt/tensor: float32 tensors and the kernels under them.
 *
 * Two backends implement one kernel interface (`Backend`): `reference` (plain TypeScript,
 * float32 or float64, the ground truth) and `wasm` (AssemblyScript compiled to WebAssembly
 * SIMD, the default). Ops validate shapes, allocate outputs (or write into `out`) and call the
 * active backend's kernels.
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
export { getThreads, setThreads, threadsReady } from './backends/wasm/threads/settings.js';
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
export * from './io/index.js';
export { type Allocator, HeapAllocator, type HeapStats, JsAllocator, type Storage } from './memory.js';
export { numericalGradient } from './numerical-gradient.js';
export * from './ops/index.js';
export { Rng, type RngState } from './random.js';
export { keep, type Scoped, tidy } from './scope.js';
export { type Shape, sameShape, sizeOf, stridesOf } from './shape.js';
export { type NestedArray, Tensor } from './tensor.js';
export type { WasmMemory } from './webassembly-api.js';
