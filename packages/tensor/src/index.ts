/**
 * @funt/tensor: float32 tensors and the kernels under them. This is the Node entry point (the
 * `node` condition of package.json's `exports`); browser.ts is the browser one.
 *
 * Two backends implement one kernel interface (`Backend`): `reference` (plain TypeScript,
 * float32 or float64, the ground truth) and `wasm` (AssemblyScript compiled to WebAssembly
 * SIMD, the default). Ops validate shapes, allocate outputs (or write into `out`) and call the
 * active backend's kernels. In Node the kernels load synchronously on first use (from the
 * package's files) and run on `worker_threads`; safetensors files are read and written here.
 */

import { nodePlatform } from './platform/node.js';
import { installPlatform } from './platform/platform.js';

installPlatform(nodePlatform);

export { writeFileAtomic } from './io/atomic-write.js';
export { loadSafetensors, saveSafetensors } from './io/safetensors-file.js';
export { enableRelaxedSimd } from './platform/relaxed-simd-flag.js';
export * from './universal.js';
