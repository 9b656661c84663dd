import { Rng, tensor, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { valuesOf } from '../testing/internal/helpers.js';
import { randomRotate } from './rotate.js';

describe('randomRotate', () => {
  it('rotating a square image by ±90° maps pixels exactly (bilinear at integer points)', () => {
    // maxAngle 90 draws an angle in [-90, 90]; force ±90 by checking both possible results.
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const quarter = (deg: number): number[] => {
      // Bilinear at exact rotations: compute through the augmentation with maxAngle = |deg| and
      // a generator whose first draw is the top of the range.
      const rng = { uniform: (lo: number, hi: number) => (deg > 0 ? hi : lo) } as unknown as Rng;
      return valuesOf(randomRotate(Math.abs(deg))(x, rng)).map((v) => Math.round(v * 1e9) / 1e9);
    };
    expect(quarter(90)).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
    expect(quarter(-90)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
  });

  it('interpolates bilinearly and fills corners rotated in from outside', () => {
    const x = tensor(
      Array.from({ length: 81 }, () => 1),
      [1, 1, 9, 9],
    );
    const rng = { uniform: (_lo: number, hi: number) => hi } as unknown as Rng;
    const y = valuesOf(randomRotate(45, { fill: -1 })(x, rng));
    expect(y[40]).toBe(1); // centre
    // The corner samples 4√2 − 4 ≈ 1.66 pixels outside the image: both neighbours are fill.
    expect(y[0]).toBe(-1);
    // An edge midpoint maps to a point inside, between pixels: a blend of image and fill.
    expect(y.some((v) => v > -1 && v < 1)).toBe(true);
    for (const v of y) expect(v).toBeGreaterThanOrEqual(-1 - 1e-9);
    for (const v of y) expect(v).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('rejects bad angles and an out aliasing its input', () => {
    expect(() => randomRotate(-1)).toThrow(/randomRotate: maxAngle must be in \[0, 180\] degrees, got -1/);
    expect(() => randomRotate(Number.NaN)).toThrow(/maxAngle/);
    const x = zeros([1, 1, 3, 3]);
    expect(() => randomRotate(10)(x, new Rng(0), x)).toThrow(/must not share storage/);
  });
});
