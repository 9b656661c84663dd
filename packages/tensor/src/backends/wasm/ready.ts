import { loadWasmRuntime } from './kernels.js';
import { threadLimit, threadsReady } from './threads/settings.js';

let warned = false;

/**
 * Resolves once the wasm backend can run: its kernels are loaded (in a browser fetched, then
 * compiled off the calling thread) and its worker threads have started. A page awaits it once
 * before the first operation, like tfjs's `tf.ready()`. Node needs no `await` (the kernels load
 * synchronously on first use), but portable code may call it anywhere. Where the kernels can
 * only run on one thread (a page that is not cross-origin isolated) it says so once, with
 * `console.warn`, and resolves: nothing fails, it is only slower.
 */
export async function ready(): Promise<void> {
  await loadWasmRuntime();
  const { reason } = threadLimit();
  if (reason !== null && !warned) {
    warned = true;
    console.warn(`@funt/tensor: ${reason}`);
  }
  // Workers start only once the thread that created them yields to its event loop (browsers), so
  // waiting here is what lets the first operations already run on every thread.
  await threadsReady();
}
