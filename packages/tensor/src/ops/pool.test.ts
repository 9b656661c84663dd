import { beforeAll, describe, expect, test } from 'vitest';
import { randn, useReference } from '../testing/reference.js';
import { avgPool2d, maxPool2d, pool2dOutputSize } from './pool.js';

beforeAll(() => useReference('float64'));

describe('pooling front-end', () => {
  test('output size, floor and ceil, with Torch’s last-window rule', () => {
    expect(pool2dOutputSize(32, 2, 2, 0)).toBe(16);
    expect(pool2dOutputSize(5, 2, 2, 0)).toBe(2); // floor(3 / 2) + 1
    expect(pool2dOutputSize(5, 2, 2, 0, true)).toBe(3); // ceil(3 / 2) + 1
    expect(pool2dOutputSize(6, 3, 2, 0, true)).toBe(3); // ceil(3 / 2) + 1, last window starts at 4 < 6
    // ceil(4 / 3) + 1 = 3, but window 2 would start at 2·3 − 1 = 5 ≥ 4: beyond the input, dropped.
    expect(pool2dOutputSize(4, 2, 3, 1, true)).toBe(2);
    expect(pool2dOutputSize(4, 2, 3, 1, false)).toBe(2);
  });

  test('stride defaults to the kernel; shapes follow the output size', () => {
    const x = randn([2, 3, 9, 7], 1);
    expect(maxPool2d(x, { kernel: 3 }).shape).toEqual([2, 3, 3, 2]);
    expect(maxPool2d(x, { kernel: 3, ceilMode: true }).shape).toEqual([2, 3, 3, 3]);
    expect(avgPool2d(x, { kernel: [3, 1], stride: [2, 1], padding: [1, 0] }).shape).toEqual([2, 3, 5, 7]);
  });
});
