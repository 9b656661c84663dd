/**
 * @funt/tensor-native: an optional native backend for @funt/tensor in Node. Importing the
 * package registers the backend 'native' when its addon was built (at install time, by
 * node-gyp) and the CPU has AVX2 and FMA; otherwise it registers nothing and `nativeStatus()`
 * says why, and funt runs on its wasm backend.
 */
import { backendByName, getThreads, registerBackend } from '@funt/tensor';
import { createNativeBackend } from './backend.js';
import { loadBinding } from './binding.js';

/** Whether the native backend is registered, with the instruction set it uses or why it is not. */
export type NativeStatus = { available: true; cpu: string } | { available: false; reason: string };

const loaded = loadBinding();

if (loaded.available) {
  const binding = loaded.binding;
  registerBackend('native', () => createNativeBackend(backendByName('wasm'), binding, getThreads));
}

/** The native backend's state here: registered (and its instruction set), or the reason it is not. */
export function nativeStatus(): NativeStatus {
  return loaded.available ? { available: true, cpu: loaded.cpu } : { available: false, reason: loaded.reason };
}

export { createNativeBackend } from './backend.js';
export type { BindingStatus, NativeBinding } from './binding.js';
export { loadBinding } from './binding.js';
