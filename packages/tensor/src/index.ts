/**
 * @funt/tensor: float32 tensors and the kernels under them.
 *
 * Two backends implement one kernel interface (`Backend`): `reference` (plain TypeScript,
 * float32 or float64, the ground truth) and `wasm` (AssemblyScript compiled to WebAssembly
 * SIMD, the default). Ops validate shapes, allocate outputs (or write into `out`) and call the
 * active backend's kernels.
 */
import { registerBackend } from './engine.js';
import { createReferenceBackend } from './backends/reference/index.js';
import { createWasmBackend } from './backends/wasm/index.js';

registerBackend('reference', createReferenceBackend);
registerBackend('wasm', createWasmBackend);
export { wasmMemoryStats, type WasmMemoryStats } from './backends/wasm/index.js';
export { getThreads, setThreads, threadsReady } from './backends/wasm/threads.js';

export type { DType, DataArray } from './dtype.js';
export { ShapeError, DisposedError, formatShape } from './errors.js';
export { type Shape, sizeOf, stridesOf, sameShape } from './shape.js';
export { Rng, type RngState } from './random.js';
export { type Storage, type Allocator, type HeapStats, HeapAllocator, JsAllocator, sizeClass } from './memory.js';
export { Tensor, type NestedArray } from './tensor.js';
export { tidy, keep } from './scope.js';
export {
  getBackend, setBackend, withBackend, registerBackend, listBackends, backendByName,
  getDefaultDType, setDefaultDType,
} from './engine.js';
export type {
  Backend, UnaryOp, BinaryOp, ReduceOp, PadMode, Conv2dParams, Pool2dParams, MatmulOptions,
} from './backend.js';
export * from './creation.js';
export * from './io/index.js';
export * from './ops/index.js';
