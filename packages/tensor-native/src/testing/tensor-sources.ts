/**
 * @funt/tensor from its sources, as its own kernel suites import it, with the native backend
 * registered in that copy of the engine: the tests of this package and the suites of
 * @funt/tensor they run (vitest.config.ts) then see one engine, one wasm memory and one set of
 * backends. The Node platform is installed as @funt/tensor's index.ts does.
 */
import { getThreads } from '../../../tensor/src/backends/wasm/threads/settings.js';
import { backendByName, registerBackend } from '../../../tensor/src/engine.js';
import '../../../tensor/src/index.js';
import { createNativeBackend } from '../backend.js';
import { type BindingStatus, loadBinding } from '../binding.js';

/** The addon as this machine has it (built and supported, or why not). */
export const status: BindingStatus = loadBinding();

if (status.available) {
  // The sources' Backend and Tensor types are the same as the built package's, but TypeScript
  // tells the two declarations of Tensor's private fields apart.
  const base = backendByName('wasm') as unknown as Parameters<typeof createNativeBackend>[0];
  const native = createNativeBackend(base, status.binding, getThreads);
  registerBackend('native', () => native as unknown as ReturnType<typeof backendByName>);
}

/** Why the native tests are skipped here, or null when they run. */
export const skipReason: string | null = status.available ? null : status.reason;
