import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { tensor } from '../../creation.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from '../../ops/pool.js';
import { PROPERTY_RUNS, poolGeometry } from '../../testing/arbitraries.js';
import { dot, expectClose, randn, useReference } from '../../testing/reference.js';

beforeAll(() => useReference('float64'));

// x = 1..16 as a 4×4 image (x(r,c) = 4r + c + 1). Kernel 3, stride 2, pad 1 gives a 2×2
// output whose windows, clipped to the input, are rows/cols [0,2) for index 0 and [1,4) for 1.
const x16 = (sign = 1) =>
  tensor(
    Array.from({ length: 16 }, (_, i) => sign * (i + 1)),
    [1, 1, 4, 4],
  );
const k3s2p1 = { kernel: 3, stride: 2, padding: 1 };

describe('reference max pooling: hand-computed', () => {
  test('kernel 3, stride 2, pad 1', () => {
    // (0,0): max{1,2,5,6} = 6   (0,1): max{2,3,4,6,7,8} = 8
    // (1,0): max{5,6,9,10,13,14} = 14   (1,1): max of rows 1-3, cols 1-3 = 16
    expect(Array.from(maxPool2d(x16(), k3s2p1).data)).toEqual([6, 8, 14, 16]);
  });

  test('padded cells never win, even over negative values', () => {
    // x = −1..−16: (0,0): max{−1,−2,−5,−6} = −1 (a zero pad cell would have won)
    // (0,1): max{−2,−3,−4,−6,−7,−8} = −2  (1,0): max{−5,−6,−9,−10,−13,−14} = −5  (1,1): −6
    expect(Array.from(maxPool2d(x16(-1), k3s2p1).data)).toEqual([-1, -2, -5, -6]);
  });

  test('ceilMode keeps a last, partial window (Torch)', () => {
    // x = 1..25 as 5×5, kernel 2, stride 2: floor gives 2×2, ceil gives 3×3 whose last
    // window row/col is the single input row/col 4.
    const x = tensor(
      Array.from({ length: 25 }, (_, i) => i + 1),
      [1, 1, 5, 5],
    );
    expect(Array.from(maxPool2d(x, { kernel: 2 }).data)).toEqual([7, 9, 17, 19]);
    // row 0: max{1,2,6,7}=7, max{3,4,8,9}=9, max{5,10}=10; row 1: 17, 19, max{15,20}=20;
    // row 2 (input row 4 only): max{21,22}=22, max{23,24}=24, 25
    expect(Array.from(maxPool2d(x, { kernel: 2, ceilMode: true }).data)).toEqual([7, 9, 10, 17, 19, 20, 22, 24, 25]);
  });

  test('backward routes dy to the window maximum', () => {
    // Maxima of the four windows above are x(1,1)=6, x(1,3)=8, x(3,1)=14, x(3,3)=16.
    const dx = maxPool2dBackward(x16(), tensor([1, 2, 3, 4], [1, 1, 2, 2]), k3s2p1);
    expect(Array.from(dx.data)).toEqual([0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4]);
  });

  test('backward: overlapping windows sharing a maximum add up; ties go to the first', () => {
    // x = [1, 5, 2], kernel 1×2, stride 1: both windows pick the 5, so dx = [0, 1 + 1, 0].
    const dx = maxPool2dBackward(tensor([1, 5, 2], [1, 1, 1, 3]), tensor([1, 1], [1, 1, 1, 2]), {
      kernel: [1, 2],
      stride: 1,
    });
    expect(Array.from(dx.data)).toEqual([0, 2, 0]);
    // All equal: the first cell of the window (row-major) takes the gradient.
    const tie = maxPool2dBackward(tensor([3, 3, 3, 3], [1, 1, 2, 2]), tensor([7], [1, 1, 1, 1]), { kernel: 2 });
    expect(Array.from(tie.data)).toEqual([7, 0, 0, 0]);
  });
});

describe('reference average pooling: hand-computed', () => {
  test('kernel 3, stride 2, pad 1, counting padding (Torch default)', () => {
    // Window sums: (0,0) 1+2+5+6 = 14; (0,1) 2+3+4+6+7+8 = 30; (1,0) 5+6+9+10+13+14 = 57;
    // (1,1) 6+7+8+10+11+12+14+15+16 = 99. Every padded window is 3×3 = 9 cells.
    const y = avgPool2d(x16(), k3s2p1);
    expectClose(y.data, [14 / 9, 30 / 9, 57 / 9, 99 / 9], 1e-15);
  });

  test('kernel 3, stride 2, pad 1, counting real cells only', () => {
    // Same sums over 4, 6, 6 and 9 real cells: 3.5, 5, 9.5, 11.
    const y = avgPool2d(x16(), { ...k3s2p1, countIncludePad: false });
    expect(Array.from(y.data)).toEqual([3.5, 5, 9.5, 11]);
  });

  test('ceilMode: the clipped last window divides by its clipped size', () => {
    // 5×5, kernel 2, stride 2, ceil: window (0,2) covers x(0,4)=5 and x(1,4)=10 and runs
    // past the input with no padding to count, so it divides by 2·1: 15 / 2 = 7.5; the
    // corner (2,2) is x(4,4) = 25 alone.
    const x = tensor(
      Array.from({ length: 25 }, (_, i) => i + 1),
      [1, 1, 5, 5],
    );
    const y = avgPool2d(x, { kernel: 2, ceilMode: true });
    expect(y.get(0, 0, 0, 0)).toBe((1 + 2 + 6 + 7) / 4);
    expect(y.get(0, 0, 0, 2)).toBe(7.5);
    expect(y.get(0, 0, 2, 2)).toBe(25);
  });

  test('backward spreads dy evenly over the real cells of each window', () => {
    // dy = 9, 18, 27, 36 over windows of 9 padded cells: each real cell of window k gets
    // 1, 2, 3, 4. Windows: (0,0) rows 0-1 × cols 0-1; (0,1) rows 0-1 × cols 1-3;
    // (1,0) rows 1-3 × cols 0-1; (1,1) rows 1-3 × cols 1-3. E.g. x(1,1) is in all four: 10.
    const dx = avgPool2dBackward(tensor([9, 18, 27, 36], [1, 1, 2, 2]), [1, 1, 4, 4], k3s2p1);
    expectClose(dx.data, [1, 3, 2, 2, 4, 10, 6, 6, 3, 7, 4, 4, 3, 7, 4, 4], 1e-15);
  });
});

describe('reference pooling: properties (float64, random geometry)', () => {
  test('<avgPool(x), dy> = <x, avgPool2dBackward(dy)>', () => {
    fc.assert(
      fc.property(poolGeometry, (g) => {
        const opts = {
          kernel: g.kernel,
          stride: g.stride,
          padding: g.padding,
          ceilMode: g.ceilMode,
          countIncludePad: g.countIncludePad,
        };
        const x = randn([g.N, g.C, g.H, g.W], g.seed);
        const y = avgPool2d(x, opts);
        const dy = randn(y.shape, g.seed + 1);
        const dx = avgPool2dBackward(dy, x.shape, opts);
        expectClose([dot(x, dx)], [dot(y, dy)], 1e-10);
      }),
      PROPERTY_RUNS,
    );
  });

  test('max pool backward is the gradient of <maxPool(x), dy> (distinct values: piecewise linear)', () => {
    fc.assert(
      fc.property(poolGeometry, (g) => {
        const opts = { kernel: g.kernel, stride: g.stride, padding: g.padding, ceilMode: g.ceilMode };
        const x = randn([g.N, g.C, g.H, g.W], g.seed);
        const y = maxPool2d(x, opts);
        const dy = randn(y.shape, g.seed + 1);
        const dx = maxPool2dBackward(x, dy, opts);
        // max pooling is linear in x near a point with distinct values, with slope dx:
        // <maxPool(x), dy> = <x, dx> exactly (every output is one selected input).
        expectClose([dot(x, dx)], [dot(y, dy)], 1e-10);
        // and every output equals the max over the real cells of its window (brute force).
        const [, , Ho, Wo] = y.shape;
        const [kH, kW] = g.kernel;
        for (let plane = 0; plane < g.N * g.C; plane++) {
          for (let oh = 0; oh < Ho; oh++) {
            for (let ow = 0; ow < Wo; ow++) {
              let best = -Infinity;
              for (let h = oh * g.stride[0] - g.padding[0]; h < oh * g.stride[0] - g.padding[0] + kH; h++) {
                for (let w = ow * g.stride[1] - g.padding[1]; w < ow * g.stride[1] - g.padding[1] + kW; w++) {
                  if (h >= 0 && h < g.H && w >= 0 && w < g.W)
                    best = Math.max(best, x.data[(plane * g.H + h) * g.W + w]);
                }
              }
              expect(y.data[(plane * Ho + oh) * Wo + ow]).toBe(best);
            }
          }
        }
      }),
      PROPERTY_RUNS,
    );
  });
});
