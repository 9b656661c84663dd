import { describe, expect, it } from 'vitest';
import {
  board,
  CONTROL_BYTES,
  DONE,
  type Job,
  NEXT,
  nextWord,
  pollWhile,
  readError,
  SEQ,
  skipRest,
  workOn,
  writeJob,
} from './job.js';

/** A job of kernel 0 over [0, n) in ranges of `size` units (a range kernel: start, end appended). */
function job(n: number, size: number, args: number[] = [7]): Job {
  const starts = [];
  for (let s = 0; s < n; s += size) starts.push(s);
  starts.push(n);
  return { kernel: 0, args, unitBytes: null, countArg: -1, starts, scratch: 0, slotBytes: 0 };
}

/** Posts `j` as job `seq` the way the pool does (descriptor, then DONE, then NEXT). */
function post(b: ReturnType<typeof board>, seq: number, j: Job): void {
  writeJob(b, j);
  Atomics.store(b.ctl, DONE, 0);
  Atomics.store(b.ctl, NEXT, nextWord(seq, j.starts.length - 1));
}

describe('the job board', () => {
  it("hands out every range once, in order, with its bounds and the job's arguments", () => {
    const b = board(new SharedArrayBuffer(CONTROL_BYTES));
    post(b, 1, job(10, 3));
    const calls: number[][] = [];
    expect(workOn(b, 1, [(...a: number[]) => void calls.push(a)], 0)).toBe(4);
    expect(calls).toEqual([
      [7, 0, 3],
      [7, 3, 6],
      [7, 6, 9],
      [7, 9, 10],
    ]);
    expect(Atomics.load(b.ctl, DONE)).toBe(4);
    // Nothing is left for anyone.
    expect(
      workOn(
        b,
        1,
        [
          () => {
            throw new Error('ran a range twice');
          },
        ],
        1,
      ),
    ).toBe(0);
  });

  it("a stale participant claims nothing: job 7 is exhausted while job 8's descriptor is being written", () => {
    const b = board(new SharedArrayBuffer(CONTROL_BYTES));
    post(b, 7, job(4, 2, [1]));
    expect(workOn(b, 7, [() => {}], 0)).toBe(2);
    // The caller has started posting job 8 (a longer one): its descriptor is written, but NEXT
    // still holds job 7's exhausted counter. A worker that saw job 7 and reads the descriptor
    // now must not take job 8's range count for job 7's.
    writeJob(b, job(20, 2, [2]));
    let stale = 0;
    expect(workOn(b, 7, [() => stale++], 1)).toBe(0);
    expect(stale).toBe(0);
    expect(Atomics.load(b.ctl, DONE)).toBe(2);
    // Once job 8 is posted, a participant still on job 7 claims nothing of it either.
    Atomics.store(b.ctl, DONE, 0);
    Atomics.store(b.ctl, NEXT, nextWord(8, 10));
    expect(workOn(b, 7, [() => stale++], 1)).toBe(0);
    expect(stale).toBe(0);
    const seen: number[][] = [];
    expect(workOn(b, 8, [(...a: number[]) => void seen.push(a)], 1)).toBe(10);
    expect(seen[0]).toEqual([2, 0, 2]);
    expect(seen[9]).toEqual([2, 18, 20]);
  });

  it('records the first failure and still counts the failed range as done', () => {
    const b = board(new SharedArrayBuffer(CONTROL_BYTES));
    post(b, 3, job(3, 1));
    const fail = (_: number, start: number) => {
      if (start >= 1) throw new RangeError(`bad range ${start}`);
    };
    expect(workOn(b, 3, [fail], 2)).toBe(3);
    expect(Atomics.load(b.ctl, DONE)).toBe(3);
    expect(readError(b)).toEqual({ range: 1, participant: 2, message: 'RangeError: bad range 1' });
  });

  it('skipRest claims the remaining ranges without running them', () => {
    const b = board(new SharedArrayBuffer(CONTROL_BYTES));
    post(b, 4, job(8, 1));
    skipRest(b, 4);
    expect(Atomics.load(b.ctl, DONE)).toBe(8);
    expect(
      workOn(
        b,
        4,
        [
          () => {
            throw new Error('ran a skipped range');
          },
        ],
        0,
      ),
    ).toBe(0);
  });

  it('pollWhile returns true as soon as the word changes, false once the time is up', () => {
    const { ctl } = board(new SharedArrayBuffer(CONTROL_BYTES));
    Atomics.store(ctl, SEQ, 5);
    expect(pollWhile(ctl, SEQ, 4, 1000)).toBe(true); // already different
    expect(pollWhile(ctl, SEQ, 5, 0)).toBe(false); // no polling at all
    const started = performance.now();
    expect(pollWhile(ctl, SEQ, 5, 2000)).toBe(false);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(2);
    // A change made by another thread ends the poll: a worker that bumps SEQ after a moment.
    const code =
      'const { workerData } = require("node:worker_threads"); const c = new Int32Array(workerData);' +
      ' const t = Date.now(); while (Date.now() - t < 20); Atomics.store(c, 0, 6);';
    return import('node:worker_threads').then(({ Worker }) => {
      const w = new Worker(code, { eval: true, workerData: ctl.buffer });
      const t0 = performance.now();
      const changed = pollWhile(ctl, SEQ, 5, 10_000_000);
      expect(changed).toBe(true);
      expect(performance.now() - t0).toBeLessThan(5_000);
      return w.terminate();
    });
  });
});
