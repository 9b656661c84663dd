import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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
 * The worker script, always the compiled one in dist/ (Node runs no TypeScript): from
 * src/backends/wasm/threads (vitest) and dist/backends/wasm/threads alike. `pnpm build` writes it, as it writes
 * build/kernels.wasm, and the tests run after the build.
 */
const WORKER_URL = new URL('../../../../dist/backends/wasm/threads/worker.js', import.meta.url);

/** Sources of the worker; when running from src/, dist/ must not be older than them. */
const WORKER_SOURCES = ['worker', 'job'];

function checkWorkerScript(): void {
  const path = fileURLToPath(WORKER_URL);
  if (!existsSync(path)) {
    throw new Error(
      `@funt/tensor: the kernel worker script is missing (${path}). Run \`pnpm build\` in packages/tensor.`,
    );
  }
  if (!import.meta.url.endsWith('.ts')) return;
  for (const name of WORKER_SOURCES) {
    const source = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    const built = fileURLToPath(new URL(`./${name}.js`, WORKER_URL));
    if (existsSync(source) && (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs)) {
      throw new Error(`@funt/tensor: ${built} is older than ${source}. Run \`pnpm build\` in packages/tensor.`);
    }
  }
}

/**
 * Workers inherit Node's flags, but `--input-type` (of `node --input-type=module -e …`) makes a
 * worker refuse to start; Node also refuses an explicit list holding process-wide flags
 * (--expose-gc), so such a process gets workers without flags: they only run wasm.
 */
function workerExecArgv(): string[] | undefined {
  return process.execArgv.some((a) => a.startsWith('--input-type')) ? [] : undefined;
}

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
  private readonly workers: Worker[] = [];
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
    checkWorkerScript();
    this.callerFns = kernelNames.map((name) => {
      const fn = callerExports[name];
      if (typeof fn !== 'function') throw new Error(`funt threads: the kernels have no export '${name}'`);
      return fn as KernelFunction;
    });
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.board = board(control);
    for (let participant = 1; participant < threads; participant++) {
      const workerData: WorkerData = { module, memory, control, kernelNames, participant, pollMicroseconds };
      const worker = new Worker(WORKER_URL, {
        workerData,
        name: `funt-kernels-${participant}`,
        execArgv: workerExecArgv(),
      });
      worker.on('error', (e: Error) => {
        this.failure ??= new Error(`funt threads: kernel worker ${participant} failed: ${e.message}`);
      });
      // Idle workers sleep in Atomics.wait; they must not keep the process alive.
      worker.unref();
      this.workers.push(worker);
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
    while (this.readyWorkers < this.workers.length) {
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
    waitForAll(b, ranges, this.pollMicroseconds);
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
