import { environmentVariable } from '../../../platform/platform.js';
import type { Kernels } from '../kernels.js';
import type { ScratchArena } from '../scratch-arena.js';
import { type Job, MAX_RANGES } from './job.js';
import { POOL_KERNELS, type PoolKernel, threadPool } from './settings.js';

/** Kernels whose last parameters are (start, end[, scratch]): a range of independent work. */
type RangeKernel =
  | 'gemm'
  | 'conv2d'
  | 'conv2dBackwardData'
  | 'conv2dBackwardFilter'
  | 'conv2dBackwardFilterReduce'
  | 'pool2d'
  | 'batchNormTrain'
  | 'batchNormApply'
  | 'batchNormBackward'
  | 'softmax'
  | 'softmaxBackward'
  | 'conv2dBiasGrad'
  | 'conv2dWinograd'
  | 'winogradWeights'
  | 'conv2dWinogradFilter'
  | 'winogradFilterReduce';

/** Kernels over flat runs (pointers and a count): a range is the same call on a slice. */
export type SliceKernel =
  | 'fill'
  | 'copy'
  | 'unary'
  | 'binary'
  | 'binaryBroadcast'
  | 'threshold'
  | 'thresholdBackward'
  | 'axpby'
  | 'reduce'
  | 'argmax';

/** How a call may be split. */
interface Split {
  /** Estimated time of the whole call on one thread, in nanoseconds (`macs`, `elements`). */
  work: number;
  /** Scratch bytes each range needs (every participant gets its own); omitted: none. */
  scratchBytes?: number;
  /** Range boundaries fall on multiples of this many units (e.g. whole 4-row slivers). */
  align?: number;
  /** At most this many ranges (kernels that redo setup work in every range). */
  maxRanges?: number;
}

/** Rough single-thread costs, enough to tell a 10 µs call from a 10 ms one. */
export const macs = (n: number): number => n * 0.1;
export const elements = (n: number): number => n * 0.5;

/**
 * Calls estimated shorter than this run on the calling thread: waking a worker costs about
 * 20–30 µs. FUNT_PARALLEL_MIN_NS overrides it (0 splits every call of more than one unit,
 * which the tests use so that small property-test shapes exercise the threaded path).
 */
const INLINE_NS = minNanoseconds(environmentVariable('FUNT_PARALLEL_MIN_NS')) ?? 60_000;
/** No range shorter than this: half the inline threshold. */
const MIN_RANGE_NS = INLINE_NS / 2;

function minNanoseconds(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0)
    throw new RangeError(`FUNT_PARALLEL_MIN_NS must be a number of nanoseconds >= 0, got '${text}'`);
  return n;
}

/**
 * The one place where kernels are split into work ranges. A range kernel is called as
 * `kernels[name](...args, start, end[, scratch])` for disjoint ranges covering [0, n); ranges
 * never write to the same bytes and every output is computed by the same arithmetic whatever
 * range it falls in, so the result does not depend on the number of threads or the schedule.
 *
 * With one thread, or a call too small to be worth waking a worker, the whole of [0, n) runs on
 * the calling thread. Otherwise the ranges go to the thread pool (settings.ts), where the calling
 * thread and the workers take them from a shared counter; each participant has its own scratch.
 */
export function parallelFor(
  kernels: Kernels,
  arena: ScratchArena,
  name: RangeKernel,
  args: readonly number[],
  n: number,
  split: Split,
): void {
  run(kernels, arena, name, args, null, -1, n, split);
}

/**
 * Splits a kernel over flat runs: range [s, e) is the same call with every pointer argument i
 * advanced by s·unitBytes[i] bytes and argument `countArg` set to e − s.
 */
export function parallelSlices(
  kernels: Kernels,
  arena: ScratchArena,
  name: SliceKernel,
  args: readonly number[],
  unitBytes: readonly number[],
  countArg: number,
  n: number,
  split: Split,
): void {
  run(kernels, arena, name, args, unitBytes, countArg, n, split);
}

function run(
  kernels: Kernels,
  arena: ScratchArena,
  name: PoolKernel,
  args: readonly number[],
  unitBytes: readonly number[] | null,
  countArg: number,
  n: number,
  split: Split,
): void {
  if (n <= 0) return;
  const fn = kernels[name] as (...a: number[]) => void;
  const scratchBytes = split.scratchBytes ?? -1;
  const align = split.align ?? 1;
  const pool = split.work >= INLINE_NS && n > align ? threadPool() : null;
  const starts = pool === null ? null : schedule(n, split, pool.threads, align);
  const mark = arena.mark();
  try {
    if (starts === null || starts.length <= 2) {
      // One range on the calling thread.
      const scratch = scratchBytes < 0 ? -1 : arena.take(scratchBytes + CANARY_BYTES);
      if (scratch >= 0) setCanary(arena, scratch, scratchBytes);
      if (unitBytes === null) {
        if (scratch < 0) fn(...args, 0, n);
        else fn(...args, 0, n, scratch);
      } else {
        fn(...args);
      }
      if (scratch >= 0) checkCanary(arena, scratch, scratchBytes, name);
      return;
    }
    const participants = pool!.threads;
    const slot = scratchBytes < 0 ? 0 : roundUp(scratchBytes + CANARY_BYTES, 64);
    const scratch = slot === 0 ? 0 : arena.take(slot * participants);
    for (let p = 0; p < participants && slot > 0; p++) setCanary(arena, scratch + p * slot, scratchBytes);
    const job: Job = {
      kernel: POOL_KERNELS.indexOf(name),
      args,
      unitBytes,
      countArg,
      starts,
      scratch,
      slotBytes: slot,
    };
    pool!.run(job, name);
    for (let p = 0; p < participants && slot > 0; p++) checkCanary(arena, scratch + p * slot, scratchBytes, name);
  } finally {
    arena.release(mark);
  }
}

/**
 * Range boundaries [0, s1, …, n]. Guided scheduling: each range takes 1/(2·threads) of the
 * units still unassigned (rounded down), so ranges shrink towards the end of the job, down to
 * MIN_RANGE_NS of work (and whole multiples of `align`): 16 chunks on 2 threads go as
 * 4, 3, 2, 1, 1, …, so the last claim is a single chunk. Early ranges are long (few claims,
 * little per-range setup); late ones are short, so a thread that is descheduled while holding
 * one (the cores are shared with other processes) keeps the others waiting for little work. With `maxRanges`, equal
 * ranges instead (kernels that redo setup work in every range).
 */
function schedule(n: number, split: Split, threads: number, align: number): number[] {
  const starts = [0];
  if (split.maxRanges !== undefined) return evenStarts(n, Math.max(1, split.maxRanges), align);
  const unitNs = split.work / n;
  const minimum = roundUp(Math.max(1, Math.ceil(MIN_RANGE_NS / Math.max(unitNs, 1e-9))), align);
  let s = 0;
  while (s < n) {
    const size = Math.max(minimum, roundUp(Math.floor((n - s) / (2 * threads)), align));
    s = Math.min(n, s + size);
    starts.push(s);
  }
  return starts.length - 1 > MAX_RANGES ? evenStarts(n, MAX_RANGES, align) : starts;
}

/** `ranges` equal ranges (whole multiples of `align`). */
function evenStarts(n: number, ranges: number, align: number): number[] {
  const size = roundUp(Math.ceil(n / ranges), align);
  const starts = [0];
  for (let s = size; s < n; s += size) starts.push(s);
  starts.push(n);
  return starts;
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

const CANARY = 0x5a17c0de;
const CANARY_BYTES = 64;

function setCanary(arena: ScratchArena, scratch: number, scratchBytes: number): void {
  arena.view(scratch + scratchBytes, CANARY_BYTES / 4).fill(CANARY);
}

/**
 * A kernel that wrote past the scratch its *ScratchBytes function asked for is a bug that would
 * otherwise corrupt whatever lies next in memory (another thread's scratch), silently.
 */
function checkCanary(arena: ScratchArena, scratch: number, scratchBytes: number, name: string): void {
  if (arena.view(scratch + scratchBytes, CANARY_BYTES / 4).some((v) => v !== CANARY)) {
    throw new Error(`wasm.${name}: kernel wrote past its ${scratchBytes} bytes of scratch (a scratch-size bug)`);
  }
}
