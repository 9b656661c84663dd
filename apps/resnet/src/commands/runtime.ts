import * as tensor from '@funt/tensor';
import { UsageError } from '../cli/program.js';

/** Prints a line of the command's own output (progress bars go through the solver). */
export type Log = (line: string) => void;

export const consoleLog: Log = (line) => console.log(line);

/**
 * Applies --backend and --threads. The tensor package runs its kernels on the calling thread
 * today (worker threads are future work); when it offers a thread-count setter, it is used.
 */
export function applyRuntime(o: { backend?: string; threads?: number }, log: Log): string {
  if (o.backend) {
    if (!tensor.listBackends().includes(o.backend)) {
      throw new UsageError(`--backend ${o.backend} is not available (available: ${tensor.listBackends().join(', ')})`);
    }
    tensor.setBackend(o.backend);
  }
  if (o.threads !== undefined) {
    const setter = (tensor as Record<string, unknown>).setNumThreads ?? (tensor as Record<string, unknown>).setThreads;
    if (typeof setter === 'function') setter(o.threads);
    else if (o.threads > 1) log(`note: --threads ${o.threads} accepted, but @funt/tensor runs its kernels on one thread (no thread setter yet)`);
  }
  return tensor.getBackend().name;
}
