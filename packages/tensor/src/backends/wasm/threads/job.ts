/**
 * The job board shared by the calling thread and the kernel workers: one SharedArrayBuffer that
 * describes the kernel call in progress, and the loop every participant runs on it. Both sides
 * import this file (the worker from dist/), so the layout is written down once.
 *
 * A job is one kernel called on disjoint ranges covering [0, n), whose boundaries the caller
 * writes with the job (`starts`). The ranges are handed out by an atomic counter (dynamic
 * scheduling: the cores are shared and noisy, so whoever is free takes the next range), and
 * every participant counts the ranges it finished.
 *
 * The counter word NEXT holds (job tag << RANGE_BITS) | ranges not yet claimed. A participant
 * claims a range with a compare-and-swap that only succeeds while the tag is still its job's and
 * the count is above zero, and everything it decides with is in that one word: a worker that read
 * job 7's descriptor and was then descheduled can never claim a range of job 8 (the CAS sees job
 * 8's tag), and while a claim of job 7 can still succeed, job 7 has unclaimed ranges, so it is
 * not finished, so the caller has not started writing job 8's descriptor, so the descriptor the
 * worker read before its CAS is job 7's. (Comparing a claimed index with the descriptor's range
 * count instead is not enough: a worker descheduled between reading job 8's count, written
 * while job 7's counter still showed "exhausted", and its CAS would "claim" a range past job 7's
 * end with job 8's arguments — out-of-bounds traps and corrupted results under load. The test
 * `a stale participant claims nothing` replays that interleaving.)
 */

/** Int32 slots of the control block. */
export const SEQ = 0; // job sequence number; workers sleep on it (Atomics.wait)
export const NEXT = 1; // (tag << RANGE_BITS) | number of ranges not yet claimed
export const DONE = 2; // ranges finished (run, failed or skipped); the caller sleeps on it
export const ERROR = 3; // 0, or 1 + the first failing range
const ERROR_THREAD = 4; // participant that reported ERROR
const ERROR_LENGTH = 5; // bytes of the error message
export const STOP = 6; // 1: workers leave their loop
export const READY = 7; // workers that have instantiated the module
const KERNEL = 8; // index into the kernel name list
const ARG_COUNT = 9;
const RANGES = 12; // number of ranges
const COUNT_ARG = 13; // -1: call f(...args, start, end[, scratch]); else args[COUNT_ARG] = end − start
const RANGE_BITS = 11;
/** Ranges per job: the index and its one overflow step fit below the tag bits. */
export const MAX_RANGES = 1 << (RANGE_BITS - 1);
/** Participants (the calling thread and the workers) a board serves. */
export const MAX_PARTICIPANTS = 64;
/** Per participant, ranges run since the board was made (statistics; each writes its own slot). */
const RAN = 16;
/** Range i is [STARTS[i], STARTS[i + 1]). */
const STARTS = RAN + MAX_PARTICIPANTS;
const INT_SLOTS = STARTS + MAX_RANGES + 1;

const RANGE_MASK = (1 << RANGE_BITS) - 1;
const TAG_MASK = (1 << (32 - RANGE_BITS)) - 1;

/** Float64 slots (after the int block): scratch base, scratch bytes per participant, then args and their unit strides. */
export const MAX_ARGS = 24;
const F64_BASE = Math.ceil(INT_SLOTS / 2);
const SCRATCH = F64_BASE;
const SLOT_BYTES = F64_BASE + 1;
const ARGS = F64_BASE + 2;
const UNIT_BYTES = ARGS + MAX_ARGS;
const F64_SLOTS = UNIT_BYTES + MAX_ARGS;

const MESSAGE_OFFSET = F64_SLOTS * 8;
const MESSAGE_BYTES = 1024;
export const CONTROL_BYTES = MESSAGE_OFFSET + MESSAGE_BYTES;

/** Typed views of one control block. */
export interface Board {
  readonly ctl: Int32Array;
  readonly f64: Float64Array;
  readonly message: Uint8Array;
}

export function board(buffer: SharedArrayBuffer): Board {
  return {
    ctl: new Int32Array(buffer, 0, INT_SLOTS),
    f64: new Float64Array(buffer, 0, F64_SLOTS),
    message: new Uint8Array(buffer, MESSAGE_OFFSET, MESSAGE_BYTES),
  };
}

/** A kernel call split into ranges; numbers only, so that it can be written to the board. */
export interface Job {
  kernel: number;
  args: readonly number[];
  /**
   * Per argument, bytes to add per unit of the range's start (slice jobs: pointers into arrays
   * that the range offsets); null when the kernel takes (start, end) itself.
   */
  unitBytes: readonly number[] | null;
  /** Slice jobs: the argument that receives the range's length. */
  countArg: number;
  /** Range boundaries: range i is [starts[i], starts[i + 1]); starts[0] = 0, the last is n. */
  starts: readonly number[];
  /** Scratch of participant p starts at scratch + p·slotBytes (0 bytes: the kernel takes none). */
  scratch: number;
  slotBytes: number;
}

/** The value of NEXT for job `seq` with `unclaimed` ranges left. */
export function nextWord(seq: number, unclaimed: number): number {
  return ((seq & TAG_MASK) << RANGE_BITS) | unclaimed | 0;
}

/**
 * Claims one range of job `seq`: its index, or -1 when the job is no longer `seq` or has no
 * range left. Decides from the NEXT word alone (see above); `ranges` only turns the count of
 * unclaimed ranges into an index once the claim has succeeded, when it is surely this job's.
 */
function claim(ctl: Int32Array, seq: number, ranges: number): number {
  const tag = (seq & TAG_MASK) >>> 0;
  for (;;) {
    const w = Atomics.load(ctl, NEXT);
    const unclaimed = w & RANGE_MASK;
    if (w >>> RANGE_BITS !== tag || unclaimed === 0) return -1;
    if (Atomics.compareExchange(ctl, NEXT, w, (w - 1) | 0) === w) return ranges - unclaimed;
  }
}

/** Writes a job (the caller, between jobs: no participant reads the descriptor then). */
export function writeJob(b: Board, job: Job): void {
  const { ctl, f64 } = b;
  ctl[KERNEL] = job.kernel;
  ctl[ARG_COUNT] = job.args.length;
  ctl[RANGES] = job.starts.length - 1;
  for (let i = 0; i < job.starts.length; i++) ctl[STARTS + i] = job.starts[i];
  ctl[COUNT_ARG] = job.unitBytes === null ? -1 : job.countArg;
  f64[SCRATCH] = job.scratch;
  f64[SLOT_BYTES] = job.slotBytes;
  for (let i = 0; i < job.args.length; i++) {
    f64[ARGS + i] = job.args[i];
    f64[UNIT_BYTES + i] = job.unitBytes === null ? 0 : job.unitBytes[i];
  }
}

type KernelFunction = (...args: number[]) => void;

/**
 * Polls `ctl[index]` until it no longer holds `value` or `microseconds` have passed; true when it
 * changed. Both sides of the board poll before they sleep: waking a thread from `Atomics.wait`
 * takes 50–100 µs on a virtual machine, and a training step posts a job every few hundred µs,
 * so a sleeping worker would join every job late and a sleeping caller would leave both cores
 * idle while it wakes. The clock is read every 64 polls (a poll costs ~15 ns).
 */
export function pollWhile(ctl: Int32Array, index: number, value: number, microseconds: number): boolean {
  if (Atomics.load(ctl, index) !== value) return true;
  if (microseconds <= 0) return false;
  const end = performance.now() + microseconds / 1000;
  for (;;) {
    for (let i = 0; i < 64; i++) if (Atomics.load(ctl, index) !== value) return true;
    if (performance.now() >= end) return false;
  }
}

/**
 * Claims ranges of job `seq` and runs them until none is left; returns how many it ran. A range
 * that throws is still counted as done, and the first failure is recorded on the board (its
 * range, the participant and the message) for the caller to rethrow.
 */
export function workOn(b: Board, seq: number, fns: readonly KernelFunction[], participant: number): number {
  const { ctl, f64 } = b;
  // The descriptor, read once; only used after a claim of this job's tag succeeds (see above).
  const ranges = ctl[RANGES];
  const fn = fns[ctl[KERNEL]];
  const argc = ctl[ARG_COUNT];
  const countArg = ctl[COUNT_ARG];
  const slotBytes = f64[SLOT_BYTES];
  const scratch = f64[SCRATCH] + participant * slotBytes;
  const argv: number[] = [];
  for (let i = 0; i < argc; i++) argv.push(f64[ARGS + i]);
  if (countArg < 0) argv.push(0, 0);
  if (countArg < 0 && slotBytes > 0) argv.push(scratch);
  let ran = 0;
  for (;;) {
    const index = claim(ctl, seq, ranges);
    if (index < 0) return ran;
    const start = ctl[STARTS + index];
    const end = ctl[STARTS + index + 1];
    if (countArg < 0) {
      argv[argc] = start;
      argv[argc + 1] = end;
    } else {
      for (let i = 0; i < argc; i++) argv[i] = f64[ARGS + i] + f64[UNIT_BYTES + i] * start;
      argv[countArg] = end - start;
    }
    try {
      fn(...argv);
    } catch (e) {
      reportError(b, index, participant, e);
    }
    ran++;
    ctl[RAN + participant]++;
    if (Atomics.add(ctl, DONE, 1) + 1 === ranges) Atomics.notify(ctl, DONE);
  }
}

/** Ranges each participant has run on this board (participant 0 is the calling thread). */
export function rangesRun(b: Board, participants: number): number[] {
  return Array.from({ length: participants }, (_, p) => Atomics.load(b.ctl, RAN + p));
}

/** Claims every range left in job `seq` without running it (the caller after a failure). */
export function skipRest(b: Board, seq: number): void {
  const { ctl } = b;
  const ranges = ctl[RANGES];
  while (claim(ctl, seq, ranges) >= 0) {
    if (Atomics.add(ctl, DONE, 1) + 1 === ranges) Atomics.notify(ctl, DONE);
  }
}

function reportError(b: Board, range: number, participant: number, e: unknown): void {
  if (Atomics.compareExchange(b.ctl, ERROR, 0, range + 1) !== 0) return;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const { written } = new TextEncoder().encodeInto(text, b.message);
  b.ctl[ERROR_THREAD] = participant;
  Atomics.store(b.ctl, ERROR_LENGTH, written);
}

/** The recorded failure, or null. */
export function readError(b: Board): { range: number; participant: number; message: string } | null {
  const range = Atomics.load(b.ctl, ERROR);
  if (range === 0) return null;
  const length = Atomics.load(b.ctl, ERROR_LENGTH);
  // TextDecoder refuses views of shared memory: copy the bytes out first.
  const message = new TextDecoder().decode(b.message.slice(0, length));
  return { range: range - 1, participant: b.ctl[ERROR_THREAD], message };
}
