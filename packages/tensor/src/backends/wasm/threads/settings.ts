import { environmentVariable, platform, type ThreadLimit } from '../../../platform/platform.js';
import { wasmRuntime } from '../kernels.js';
import { MAX_PARTICIPANTS } from './job.js';
import { ThreadPool } from './thread-pool.js';

/**
 * How many threads run the wasm kernels: `setThreads(n)`, else the environment variable
 * FUNT_THREADS (Node), else the platform's default: the machine's cores (Node:
 * `os.availableParallelism()`, a cross-origin isolated page: `navigator.hardwareConcurrency`),
 * one in a page that is not isolated. One thread means no workers at all. The pool of `threads − 1` workers is started on the first kernel call that is
 * worth splitting, and replaced when the count changes.
 */

/** Every kernel the pool can run; a job names its kernel by the index in this list. */
export const POOL_KERNELS = [
  'gemm',
  'conv2d',
  'conv2dBackwardData',
  'conv2dBackwardFilter',
  'conv2dBackwardFilterReduce',
  'conv2dBiasGrad',
  'conv2dWinograd',
  'winogradWeights',
  'conv2dWinogradFilter',
  'winogradFilterReduce',
  'pool2d',
  'batchNormTrain',
  'batchNormApply',
  'batchNormBackward',
  'softmax',
  'softmaxBackward',
  'fill',
  'copy',
  'unary',
  'binary',
  'binaryBroadcast',
  'threshold',
  'thresholdBackward',
  'axpby',
  'reduce',
  'argmax',
] as const;
export type PoolKernel = (typeof POOL_KERNELS)[number];

let configured: number | null = null;
let pool: ThreadPool | null = null;

function parseThreads(text: string, what: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > MAX_PARTICIPANTS) {
    throw new RangeError(`${what} must be a whole number of threads from 1 to ${MAX_PARTICIPANTS}, got '${text}'`);
  }
  return n;
}

/**
 * How long (µs) the workers poll for the next job, and the caller for the last range, before
 * they sleep: FUNT_THREAD_POLL_US, else 500 — most gaps between the jobs of a training step are
 * shorter (measured), so the worker is still polling when the next job comes. 0 sleeps at once
 * (a machine with more busy processes than cores, where a polling thread holds a core another
 * process could use).
 */
const DEFAULT_POLL_US = 500;

function pollMicroseconds(): number {
  const text = environmentVariable('FUNT_THREAD_POLL_US');
  if (text === undefined || text.trim() === '') return DEFAULT_POLL_US;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1e6) {
    throw new RangeError(`FUNT_THREAD_POLL_US must be a number of microseconds from 0 to 1000000, got '${text}'`);
  }
  return n;
}

function defaultThreads(): number {
  const env = environmentVariable('FUNT_THREADS');
  if (env !== undefined && env.trim() !== '') return parseThreads(env, 'FUNT_THREADS');
  return platform().defaultThreads();
}

/**
 * The most threads the kernels can use here, and, when that is one, why: a browser page that is
 * not cross-origin isolated cannot share memory with workers.
 */
export function threadLimit(): ThreadLimit {
  return platform().threadLimit();
}

/** The number of threads kernels run on (the calling thread included). */
export function getThreads(): number {
  configured ??= defaultThreads();
  return configured;
}

/**
 * Sets the number of threads kernels run on, the calling thread included: 1 runs every kernel
 * on the calling thread. Results do not depend on it (bit for bit). Call it between kernel
 * calls, never from inside one.
 */
export function setThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_PARTICIPANTS) {
    throw new RangeError(
      `setThreads: expected a whole number of threads from 1 to ${MAX_PARTICIPANTS}, got ${String(n)}`,
    );
  }
  const limit = threadLimit();
  if (n > limit.threads)
    throw new RangeError(`setThreads(${n}): ${limit.reason ?? `at most ${limit.threads} threads`}`);
  if (n === configured) return;
  configured = n;
  pool?.close();
  pool = null;
}

/** The worker pool for the current thread count, started if needed; null with one thread. */
export function threadPool(): ThreadPool | null {
  const n = getThreads();
  if (n === 1) return null;
  if (pool === null) {
    const runtime = wasmRuntime();
    // An unshared memory (an engine that refused shared memory) cannot be run on by workers.
    if (!runtime.shared) return null;
    pool = new ThreadPool(
      runtime.module,
      runtime.memory,
      runtime.kernels as unknown as Record<string, unknown>,
      POOL_KERNELS,
      n,
      pollMicroseconds(),
    );
  }
  return pool;
}

/** The running pool, if any (tests and statistics; kernels use `threadPool`). */
export function currentPool(): ThreadPool | null {
  return pool;
}

/**
 * Resolves when every worker has started. Kernels never wait for workers (the calling thread
 * does the ranges no worker took), so only benchmarks that time the first calls need this.
 */
export async function threadsReady(): Promise<void> {
  await threadPool()?.whenReady();
}
