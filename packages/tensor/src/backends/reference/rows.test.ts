import { describe, expect, test } from 'vitest';
import { broadcastStrides, forEachRow } from './rows.js';

describe('forEachRow', () => {
  test('visits every row of a 2×3×4 shape once, with offsets per operand', () => {
    const seen: number[][] = [];
    forEachRow(
      [2, 3, 4],
      [
        [12, 4, 1],
        [0, 1, 0],
      ],
      (off, n, steps) => {
        seen.push([off[0], off[1], n, steps[0], steps[1]]);
      },
    );
    expect(seen).toEqual([
      [0, 0, 4, 1, 0],
      [4, 1, 4, 1, 0],
      [8, 2, 4, 1, 0],
      [12, 0, 4, 1, 0],
      [16, 1, 4, 1, 0],
      [20, 2, 4, 1, 0],
    ]);
  });

  test('a scalar shape is one row of length 1; an empty dimension visits nothing', () => {
    const calls: number[] = [];
    forEachRow([], [[], []], (_, n) => calls.push(n));
    expect(calls).toEqual([1]);
    forEachRow([3, 0, 2], [[0, 2, 1]], () => calls.push(-1));
    expect(calls).toEqual([1]);
  });
});

describe('broadcastStrides', () => {
  test('size-1 and missing leading dimensions get stride 0', () => {
    expect(broadcastStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    expect(broadcastStrides([4], [2, 3, 4])).toEqual([0, 0, 1]);
    expect(broadcastStrides([2, 3, 4], [2, 3, 4])).toEqual([12, 4, 1]);
  });
});
