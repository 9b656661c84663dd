/**
 * A kernel worker's script in a browser (a module Web Worker; started by platform/browser.ts).
 * Its one message is the WorkerData; it then stays in the job loop (a worker may block in
 * `Atomics.wait`) until the pool is closed, and ends itself.
 */
import { runKernelWorker, type WorkerData } from './worker.js';

interface WorkerScope {
  onmessage: ((event: { data: WorkerData }) => void) | null;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => {
  scope.onmessage = null;
  runKernelWorker(event.data);
  scope.close();
};
