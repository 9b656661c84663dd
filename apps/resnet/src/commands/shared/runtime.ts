import * as tensor from '@funt/tensor';
import { UsageError } from '../../errors.js';
import type { Log } from '../../log.js';
import { nativeBackendLevel, nativeBackendUnavailable } from '../../native-backend.js';

/**
 * Applies --backend and --threads (the wasm and native kernels' thread count, the calling thread
 * included; without the flag the tensor package's default: FUNT_THREADS, else every core).
 * Returns a description for the logs, e.g. "wasm, 2 threads" or "native (avx512), 2 threads".
 */
export function applyRuntime(o: { backend?: string; threads?: number }, log: Log): string {
  if (o.backend) {
    if (!tensor.listBackends().includes(o.backend)) {
      const why = o.backend === 'native' ? nativeBackendUnavailable() : null;
      throw new UsageError(
        `--backend ${o.backend} is not available${why ? `: ${why}` : ''} (available: ${tensor.listBackends().join(', ')})`,
      );
    }
    tensor.setBackend(o.backend);
  }
  // Without --threads the pool keeps @funt/tensor's default (FUNT_THREADS, else all cores).
  // Results are the same bit for bit with any thread count (tested), so the default only
  // changes speed.
  const threads = o.threads;
  if (threads !== undefined) {
    try {
      tensor.setThreads(threads);
    } catch (e) {
      throw new UsageError(`--threads ${threads}: ${(e as Error).message}`);
    }
  }
  const name = tensor.getBackend().name;
  const note = nativeLevelNote(process.env.FUNT_NATIVE_LEVEL, nativeBackendUnavailable(), name);
  if (note) log(note);
  // The native backend runs its kernels on the same number of threads as wasm.
  if (name !== 'wasm' && name !== 'native') {
    if (o.threads !== undefined && o.threads > 1)
      log(`note: --threads applies to the wasm backend; ${name} runs on one thread`);
    return name;
  }
  const n = tensor.getThreads();
  const level = name === 'native' ? nativeBackendLevel() : null;
  return `${name}${level ? ` (${level})` : ''}, ${n} thread${n === 1 ? '' : 's'}`;
}

/**
 * The log's note when FUNT_NATIVE_LEVEL asks for the native backend's kernels but the backend did
 * not load (`unavailable`: why), so that the run does not fall back to `backend` unsaid; else null.
 */
export function nativeLevelNote(level: string | undefined, unavailable: string | null, backend: string): string | null {
  if (!level || !unavailable || backend === 'native') return null;
  return `note: FUNT_NATIVE_LEVEL is set, but the native backend is not available (${unavailable}); running on ${backend}`;
}
