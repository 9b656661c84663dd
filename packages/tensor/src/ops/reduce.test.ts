import { beforeAll, describe, expect, test } from 'vitest';
import { arange, tensor, zeros } from '../creation.js';
import { useReference } from '../testing/reference.js';
import { argmax, max, mean, normalizeAxes, sum } from './reduce.js';

beforeAll(() => useReference('float64'));

describe('reduction front-end', () => {
  test('axes: default all, negative, sorted and unique', () => {
    expect(normalizeAxes('t', undefined, [2, 3, 4])).toEqual([0, 1, 2]);
    expect(normalizeAxes('t', [-1, 0], [2, 3, 4])).toEqual([0, 2]);
    expect(normalizeAxes('t', -2, [2, 3, 4])).toEqual([1]);
  });

  test('keepdims keeps reduced axes as 1; without it they are dropped', () => {
    const x = arange(24).reshape([2, 3, 4]);
    expect(sum(x, [0, 2]).shape).toEqual([3]);
    expect(sum(x, [0, 2], true).shape).toEqual([1, 3, 1]);
    // axis 1 of [2,3,4]: e.g. (0,·,0) = 0 + 4 + 8 = 12
    expect(sum(x, 1).toArray()).toEqual([
      [12, 15, 18, 21],
      [48, 51, 54, 57],
    ]);
    expect(mean(x).shape).toEqual([]);
    expect(mean(x).item()).toBe(11.5);
  });

  test('out is written through a keepdims view and returned', () => {
    const out = zeros([3]);
    const y = max(
      tensor([
        [1, 9, 3],
        [4, 2, 6],
      ]),
      0,
      false,
      out,
    );
    expect(y).toBe(out);
    expect(out.toArray()).toEqual([4, 9, 6]);
    expect(out.isDisposed).toBe(false);
  });

  test('argmax shapes, and an empty reduction set is the identity', () => {
    const x = tensor([
      [1, 9, 3],
      [4, 2, 6],
    ]);
    expect(argmax(x).toArray()).toEqual([1, 2]);
    expect(argmax(x, 0, true).shape).toEqual([1, 3]);
    expect(sum(x, []).toArray()).toEqual(x.toArray());
  });
});
