import { afterAll, beforeAll, expect } from 'vitest';
import { currentPool, getThreads, setThreads, threadsReady } from '../backends/wasm/threads/settings.js';
import { withBackend } from '../engine.js';
import type { Tensor } from '../tensor.js';

/**
 * Helpers of the tests that results do not depend on the number of threads (determinism.test.ts,
 * fused-relu.test.ts). FUNT_PARALLEL_MIN_NS=0 (vitest.config.ts) splits even small calls.
 */

/** A copy of each tensor's bytes (nulls left out), for bit-for-bit comparisons. */
export function bits(ts: readonly (Tensor | null)[]): Uint8Array[] {
  return ts
    .filter((t): t is Tensor => t !== null)
    .map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice());
}

/** Runs `compute` with 1 and with 2 threads and expects identical bytes; returns the pooled job count of the 2-thread run. */
export function expectSameBits(what: string, compute: () => (Tensor | null)[]): number {
  setThreads(1);
  const one = withBackend('wasm', () => bits(compute()));
  setThreads(2);
  const before = currentPool()?.jobs ?? 0;
  const two = withBackend('wasm', () => bits(compute()));
  const jobs = (currentPool()?.jobs ?? 0) - before;
  expect(two.length, what).toBe(one.length);
  for (let i = 0; i < one.length; i++) {
    const same = Buffer.from(one[i]).equals(Buffer.from(two[i]));
    expect(same, `${what}: output ${i} differs between 1 and 2 threads`).toBe(true);
  }
  return jobs;
}

/** In the calling suite: 2 threads with the workers started before the tests, the previous count after. */
export function useTwoThreads(): void {
  const threadsBefore = getThreads();
  beforeAll(async () => {
    expect(
      process.env.FUNT_PARALLEL_MIN_NS,
      'vitest.config.ts sets FUNT_PARALLEL_MIN_NS=0 so that small calls are split',
    ).toBe('0');
    setThreads(2);
    await threadsReady();
  });
  afterAll(() => setThreads(threadsBefore));
}
