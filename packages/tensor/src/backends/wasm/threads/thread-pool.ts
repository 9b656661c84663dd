import { platform } from '../../../platform/platform.js';
import type { WasmMemory, WasmModule } from '../../../webassembly-api.js';
import {
  type Board,
  board,
  CONTROL_BYTES,
  DONE,
  ERROR,
  type Job,
  MAX_ARGS,
  MAX_PARTICIPANTS,
  MAX_RANGES,
  NEXT,
  nextWord,
  pollWhile,
  READY,
  rangesRun,
  readError,
  SEQ,
  STOP,
  skipRest,
  workOn,
  writeJob,
} from './job.js';
import type { WorkerData } from './worker.js';

type KernelFunction = (...args: number[]) => void;

/**
 * `threads − 1` workers plus the calling thread over one job board. `run` is synchronous: it
 * posts the job, wakes as many sleeping workers as there are ranges beyond the first (workers
 * still polling after their last job see it at once), takes ranges itself, then polls and at
 * last sleeps until every range is done. Workers that have not started yet (or are busy
 * elsewhere on a shared machine) simply take no ranges. Both sides poll for `pollMicroseconds`
 * before they sleep (see `pollWhile`).
 */
export class ThreadPool {
  private readonly board: Board;
  private readonly workerCount: number;
  /** Whether the calling thread may sleep in `Atomics.wait` (a browser's main thread may not). */
  private readonly callerCanSleep = mayBlock();
  /** The calling thread's instance of the kernels, in `kernelNames` order. */
  private readonly callerFns: readonly KernelFunction[];
  private seq = 0;
  private closed = false;
  /** A worker that failed outside a kernel (e.g. while instantiating): reported by the next run. */
  private failure: Error | null = null;

  constructor(
    module: WasmModule,
    memory: WasmMemory,
    callerExports: Readonly<Record<string, unknown>>,
    kernelNames: readonly string[],
    readonly threads: number,
    readonly pollMicroseconds: number,
  ) {
    if (threads > MAX_PARTICIPANTS)
      throw new RangeError(`funt threads: at most ${MAX_PARTICIPANTS} threads, asked for ${threads}`);
    this.callerFns = kernelNames.map((name) => {
      const fn = callerExports[name];
      if (typeof fn !== 'function') throw new Error(`funt threads: the kernels have no export '${name}'`);
      return fn as KernelFunction;
    });
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.board = board(control);
    this.workerCount = threads - 1;
    for (let participant = 1; participant < threads; participant++) {
      const data: WorkerData = { module, memory, control, kernelNames, participant, pollMicroseconds };
      platform().startKernelWorker(data, (e) => {
        this.failure ??= new Error(`funt threads: kernel worker ${participant} failed: ${e.message}`);
      });
    }
  }

  /** Jobs run on the pool (calls that were split). */
  jobs = 0;

  /** Ranges run by each participant so far: [calling thread, worker 1, …]. */
  rangesRun(): number[] {
    return rangesRun(this.board, this.threads);
  }

  /** Workers that have instantiated the kernels and take part in jobs. */
  get readyWorkers(): number {
    return Atomics.load(this.board.ctl, READY);
  }

  /** Resolves once every worker is ready (benchmarks wait for it; kernels never need to). */
  async whenReady(): Promise<void> {
    while (this.readyWorkers < this.workerCount) {
      if (this.failure) throw this.failure;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /**
   * Runs `job` to completion. `name` is the kernel's name for error messages; with
   * `callerTakesPart` false only workers run ranges (a test hook for the worker error path).
   */
  run(job: Job, name: string, callerTakesPart = true): void {
    if (this.closed) throw new Error(`wasm.${name}: the thread pool was closed`);
    if (this.failure) throw this.failure;
    if (job.args.length > MAX_ARGS)
      throw new Error(`wasm.${name}: ${job.args.length} arguments, the job board holds ${MAX_ARGS}`);
    const ranges = job.starts.length - 1;
    if (ranges > MAX_RANGES) throw new Error(`wasm.${name}: ${ranges} ranges, the job board holds ${MAX_RANGES}`);
    const b = this.board;
    const { ctl } = b;
    const seq = (this.seq = (this.seq + 1) | 0);
    this.jobs++;
    writeJob(b, job);
    Atomics.store(ctl, ERROR, 0);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, NEXT, nextWord(seq, ranges));
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ, callerTakesPart ? ranges - 1 : ranges);
    let failure: unknown = null;
    if (callerTakesPart) {
      try {
        workOn(b, seq, this.callerFns, 0);
      } catch (e) {
        failure = e;
        skipRest(b, seq);
      }
    }
    waitForAll(b, ranges, this.callerCanSleep ? this.pollMicroseconds : Number.POSITIVE_INFINITY);
    if (failure !== null) throw failure;
    const error = readError(b);
    if (error) {
      const start = job.starts[error.range];
      const end = job.starts[error.range + 1];
      const where = error.participant === 0 ? 'the calling thread' : `kernel worker ${error.participant}`;
      throw new Error(`wasm.${name}: range [${start}, ${end}) failed in ${where}: ${error.message}`);
    }
  }

  /** Stops the workers (they leave their loop and exit; nothing waits for them). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { ctl } = this.board;
    Atomics.store(ctl, STOP, 1);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
  }
}

/**
 * Whether this thread may block in `Atomics.wait`: Node's threads and Web Workers may, a
 * browser's main thread may not (it throws), so there the caller polls until the job is done.
 */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Returns once `ranges` ranges are done: polls for up to `microseconds` in all, then sleeps. */
function waitForAll(b: Board, ranges: number, microseconds: number): void {
  const { ctl } = b;
  const end = performance.now() + microseconds / 1000;
  for (;;) {
    const done = Atomics.load(ctl, DONE);
    if (done >= ranges) return;
    const left = (end - performance.now()) * 1000;
    if (!pollWhile(ctl, DONE, done, left)) Atomics.wait(ctl, DONE, done);
  }
}
