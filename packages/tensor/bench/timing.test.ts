import { describe, expect, it } from 'vitest';
import { median, time } from './timing.js';

describe('benchmark timing', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });

  it('warms up, then repeats short calls so that each timed run lasts long enough', () => {
    let calls = 0;
    const t = time(
      () => {
        calls++;
      },
      // A 50 ms run against a 10 ms warm-up of an empty call: even a warm-up descheduled for
      // most of its time by a busy machine measures far less than 50 ms per call.
      { runs: 5, warmupSeconds: 0.01, minRunSeconds: 0.05 },
    );
    expect(t.runs).toBe(5);
    expect(t.repeats).toBeGreaterThan(1);
    expect(calls).toBeGreaterThanOrEqual(5 * t.repeats);
    expect(t.best).toBeLessThanOrEqual(t.median);
  });
});
