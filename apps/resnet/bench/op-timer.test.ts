import { describe, expect, it } from 'vitest';
import { timeOps } from './op-timer.js';

describe('timeOps', () => {
  it('adds each call of a function to its own total and passes arguments, results and errors through', () => {
    const calls: number[] = [];
    const backend: Record<string, unknown> = {
      name: 'fake',
      twice(this: { name: string }, x: number) {
        calls.push(x);
        const t0 = performance.now();
        while (performance.now() - t0 < 2);
        return `${this.name}:${2 * x}`;
      },
      fail() {
        throw new Error('bad shape');
      },
    };
    const totals = new Map<string, number>();
    timeOps(backend, totals);
    const twice = backend.twice as (x: number) => string;
    expect(twice.call(backend, 3)).toBe('fake:6');
    expect(twice.call(backend, 4)).toBe('fake:8');
    expect(calls).toEqual([3, 4]);
    expect(totals.get('twice')).toBeGreaterThanOrEqual(4);
    expect(() => (backend.fail as () => void)()).toThrow('bad shape');
    expect(totals.has('fail')).toBe(true);
    expect(totals.has('name')).toBe(false);
  });
});
