/**
 * The optional native backend (@funt/tensor-native): importing it registers the backend
 * 'native' where its addon was built and the CPU has AVX2 + FMA. Where the package is missing
 * (an install without it) or unbuilt, funt runs on wasm and this says why.
 */

/** Whether 'native' is registered now, and why not when it is not. */
export type NativeBackendState = { available: true; cpu: string } | { available: false; reason: string };

let state: Promise<NativeBackendState> | null = null;
let settled: NativeBackendState | null = null;

/** Imports @funt/tensor-native once (registering 'native' when it can run here) and reports the outcome. */
export function loadNativeBackend(): Promise<NativeBackendState> {
  state ??= import('@funt/tensor-native').then(
    (m) => m.nativeStatus(),
    (e: Error) => ({ available: false as const, reason: `@funt/tensor-native is not installed (${e.message})` }),
  );
  state.then((s) => {
    settled = s;
  });
  return state;
}

/** The instruction level 'native' runs ('avx512', 'avx2'), once `loadNativeBackend` has found it registered; else null. */
export function nativeBackendLevel(): string | null {
  return settled?.available ? settled.cpu : null;
}

/** Why 'native' is not registered, once `loadNativeBackend` has finished (null: it is, or not asked yet). */
export function nativeBackendUnavailable(): string | null {
  return settled && !settled.available ? settled.reason : null;
}
