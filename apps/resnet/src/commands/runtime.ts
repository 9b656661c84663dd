import * as tensor from '@funt/tensor';
import { UsageError } from '../cli/program.js';

/** Prints a line of the command's own output (progress bars go through the solver). */
export type Log = (line: string) => void;

export const consoleLog: Log = (line) => console.log(line);

/**
 * Applies --backend and --threads (the wasm kernels' thread count, the calling thread
 * included; without the flag the tensor package uses FUNT_THREADS or every core). Returns a
 * description for the logs, e.g. "wasm, 2 threads".
 */
export function applyRuntime(o: { backend?: string; threads?: number }, log: Log): string {
  if (o.backend) {
    if (!tensor.listBackends().includes(o.backend)) {
      throw new UsageError(`--backend ${o.backend} is not available (available: ${tensor.listBackends().join(', ')})`);
    }
    tensor.setBackend(o.backend);
  }
  if (o.threads !== undefined) {
    try {
      tensor.setThreads(o.threads);
    } catch (e) {
      throw new UsageError(`--threads ${o.threads}: ${(e as Error).message}`);
    }
  }
  const name = tensor.getBackend().name;
  if (name !== 'wasm') {
    if (o.threads !== undefined && o.threads > 1) log(`note: --threads applies to the wasm backend; ${name} runs on one thread`);
    return name;
  }
  const n = tensor.getThreads();
  return `${name}, ${n} thread${n === 1 ? '' : 's'}`;
}
