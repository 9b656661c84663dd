/**
 * The body of a kernel worker, the same on every host (node-worker.ts and web-worker.ts start it
 * in a `worker_threads` Worker and in a Web Worker). It instantiates the compiled kernels on the
 * one shared memory (the module has no start function and only passive data segments, so
 * instantiating it again writes nothing: kernels.ts), then sleeps on the job board until the
 * caller posts a job, runs ranges of it, polls the board a little while for the next job, and
 * sleeps again. It never allocates wasm memory and never touches a tensor: everything it needs
 * is in the job's numbers. It returns when the pool is closed.
 */
import type { WasmMemory, WasmModule } from '../../../webassembly-api.js';
import { WebAssemblyApi } from '../../../webassembly-api.js';
import { board, pollWhile, READY, SEQ, STOP, workOn } from './job.js';

/** What the pool passes to each worker (kernels.ts's compiled module, memory and the board). */
export interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  control: SharedArrayBuffer;
  kernelNames: readonly string[];
  /** 1..threads−1 (the calling thread is participant 0): which scratch slot is this worker's. */
  participant: number;
  /** How long to poll for the next job before sleeping (`FUNT_THREAD_POLL_US`, settings.ts). */
  pollMicroseconds: number;
}

export function runKernelWorker({
  module,
  memory,
  control,
  kernelNames,
  participant,
  pollMicroseconds,
}: WorkerData): void {
  const instance = new WebAssemblyApi.Instance(module, { env: { memory } });
  const fns = kernelNames.map((name) => {
    const fn = instance.exports[name];
    if (typeof fn !== 'function') throw new Error(`funt kernel worker: the module has no export '${name}'`);
    return fn as (...args: number[]) => void;
  });
  const b = board(control);
  const { ctl } = b;
  Atomics.add(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  let seen = Atomics.load(ctl, SEQ);
  for (;;) {
    if (!pollWhile(ctl, SEQ, seen, pollMicroseconds)) Atomics.wait(ctl, SEQ, seen);
    if (Atomics.load(ctl, STOP) !== 0) return;
    seen = Atomics.load(ctl, SEQ);
    workOn(b, seen, fns, participant);
  }
}
