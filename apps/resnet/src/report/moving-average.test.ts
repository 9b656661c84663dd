import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { movingAverage } from './moving-average.js';

describe('movingAverage', () => {
  it('averages the trailing window, shorter at the start', () => {
    expect(movingAverage([2, 4, 6, 8], 2)).toEqual([2, 3, 5, 7]);
    expect(movingAverage([1, 2, 3], 10)).toEqual([1, 1.5, 2]);
  });

  it('matches the direct definition for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -100, max: 100, noNaN: true })), fc.integer({ min: 1, max: 8 }), (xs, w) => {
        const got = movingAverage(xs, w);
        xs.forEach((_, i) => {
          const win = xs.slice(Math.max(0, i - w + 1), i + 1);
          const want = win.reduce((a, b) => a + b, 0) / win.length;
          expect(got[i]).toBeCloseTo(want, 3);
        });
      }),
    );
  });

  it('rejects a window that is not a positive integer', () => {
    expect(() => movingAverage([1], 0)).toThrow(/window must be a positive integer, got 0/);
  });
});
