import { describe, expect, it } from 'vitest';
import { threadControl } from './threads.js';

describe('threadControl', () => {
  it('finds no setter in a module without one, and then only 1 thread counts as applied', async () => {
    const t = threadControl({});
    expect(t.setterName).toBeNull();
    expect(await t.set(1)).toBe(true);
    expect(await t.set(2)).toBe(false);
  });

  it('uses setThreads and checks the result with getThreads, waiting for a setter that returns a promise', async () => {
    let count = 1;
    let readyCalls = 0;
    const module = {
      setThreads: async (n: number) => void (count = Math.min(n, 4)),
      getThreads: () => count,
      threadsReady: async () => void readyCalls++,
    };
    const t = threadControl(module);
    expect(t.setterName).toBe('setThreads');
    expect(await t.set(2)).toBe(true);
    expect(count).toBe(2);
    expect(readyCalls).toBe(1);
    expect(await t.set(8)).toBe(false);
  });

  it('accepts setNumThreads without a getter when it returns nothing', async () => {
    const calls: number[] = [];
    const t = threadControl({ setNumThreads: (n: number) => void calls.push(n) });
    expect(t.setterName).toBe('setNumThreads');
    expect(await t.set(2)).toBe(true);
    expect(calls).toEqual([2]);
  });
});
