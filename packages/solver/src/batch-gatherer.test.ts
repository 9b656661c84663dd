import { fromTypedArray, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { BatchGatherer } from './batch-gatherer.js';

describe('BatchGatherer', () => {
  it('gathers rows in the given order into one reused batch tensor, with their labels', () => {
    const x = fromTypedArray(
      Array.from({ length: 12 }, (_, i) => i),
      [4, 3],
    );
    const y = new Int32Array([10, 11, 12, 13]);
    const g = new BatchGatherer(x, 3);
    const first = g.gather([3, 1, 0, 2], 0, 3, y);
    expect(first.x).toBe(g.batch);
    expect(first.x.toArray()).toEqual([
      [9, 10, 11],
      [3, 4, 5],
      [0, 1, 2],
    ]);
    expect(Array.from(first.y)).toEqual([13, 11, 10]);
    const last = g.gather([3, 1, 0, 2], 3, 4, y);
    expect(last.x.shape).toEqual([1, 3]);
    expect(last.x.sharesStorageWith(g.batch)).toBe(true);
    expect(last.x.toArray()).toEqual([[6, 7, 8]]);
    expect(g.gather([3, 1, 0, 2], 3, 4, y).x).toBe(last.x); // the short view is cached
    expect(() => g.gather(null, 0, 4, null)).toThrow(/batch of 4 rows does not fit capacity 3/);
    g.dispose();
    expect(g.batch.isDisposed).toBe(true);
  });

  it('reads a data set held on another backend', () => {
    const x = withBackend('reference', () => fromTypedArray([1, 2, 3, 4], [2, 2]));
    const g = new BatchGatherer(x, 2);
    expect(g.gather(null, 0, 2, null).x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
