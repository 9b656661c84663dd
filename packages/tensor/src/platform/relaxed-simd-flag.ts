import { setFlagsFromString } from 'node:v8';
import { relaxedSimdSupported } from '../backends/wasm/kernel-builds.js';

/** V8's flag for relaxed SIMD where it is still experimental (Node 20; Node ≥ 22 ships it on). */
const V8_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Node only: turns on V8's relaxed SIMD where this Node has it behind a flag (Node 20), so that
 * the wasm backend loads the relaxed-SIMD build of the kernels (fused multiply-add). Returns
 * whether the engine now validates relaxed SIMD. It must run before the kernels load (the first
 * wasm operation): the build is chosen once. funt-resnet calls it on start-up; starting node
 * with `--experimental-wasm-relaxed-simd` does the same. It changes nothing where the engine
 * already has the feature, and V8 applies the flag to modules compiled from then on only.
 */
export function enableRelaxedSimd(): boolean {
  if (relaxedSimdSupported()) return true;
  setFlagsFromString(V8_FLAG);
  return relaxedSimdSupported();
}
