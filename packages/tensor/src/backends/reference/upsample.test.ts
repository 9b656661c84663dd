import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { tensor } from '../../creation.js';
import { upsampleNearest2d, upsampleNearest2dBackward } from '../../ops/upsample.js';
import { PROPERTY_RUNS } from '../../testing/arbitraries.js';
import { dot, expectClose, randn, useReference } from '../../testing/reference.js';

beforeAll(() => useReference('float64'));

describe('reference nearest up-sampling', () => {
  test('a 2×2 image by 2 (rows) × 3 (columns)', () => {
    const y = upsampleNearest2d(tensor([1, 2, 3, 4], [1, 1, 2, 2]), [2, 3]);
    expect(y.shape).toEqual([1, 1, 4, 6]);
    expect(y.toArray()).toEqual([
      [
        [
          [1, 1, 1, 2, 2, 2],
          [1, 1, 1, 2, 2, 2],
          [3, 3, 3, 4, 4, 4],
          [3, 3, 3, 4, 4, 4],
        ],
      ],
    ]);
  });

  test('backward sums each block', () => {
    // dy = 1..8 as 2×4, scale 2: blocks {1,2,5,6} = 14 and {3,4,7,8} = 22.
    const dx = upsampleNearest2dBackward(tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]), 2);
    expect(dx.toArray()).toEqual([[[[14, 22]]]]);
  });

  test('<up(x), dy> = <x, upBackward(dy)> (float64, random shapes)', () => {
    fc.assert(
      fc.property(
        fc.record({
          N: fc.integer({ min: 1, max: 2 }),
          C: fc.integer({ min: 1, max: 3 }),
          H: fc.integer({ min: 1, max: 5 }),
          W: fc.integer({ min: 1, max: 5 }),
          sH: fc.integer({ min: 1, max: 3 }),
          sW: fc.integer({ min: 1, max: 3 }),
          seed: fc.nat(),
        }),
        (g) => {
          const x = randn([g.N, g.C, g.H, g.W], g.seed);
          const y = upsampleNearest2d(x, [g.sH, g.sW]);
          const dy = randn(y.shape, g.seed + 1);
          const dx = upsampleNearest2dBackward(dy, [g.sH, g.sW]);
          expectClose([dot(x, dx)], [dot(y, dy)], 1e-10);
        },
      ),
      PROPERTY_RUNS,
    );
  });
});
