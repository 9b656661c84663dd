import { Rng, ShapeError, tensor, zeros } from '@funt/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchSpec, imageOf, isSubMultiset, makeBatch, multiset, valuesOf } from '../testing/internal/helpers.js';
import { fixedCrops } from './fixed-crops.js';
import { pad } from './pad.js';
import { randomCrops } from './random-crops.js';

describe('pad', () => {
  it('adds a zero border', () => {
    const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    const y = pad(1)(x, new Rng(0));
    expect(y.shape).toEqual([1, 1, 4, 4]);
    expect(valuesOf(y)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });

  it('rejects a negative or fractional amount', () => {
    expect(() => pad(-1)).toThrow(/pad: amount must be a non-negative integer, got -1/);
    expect(() => pad(1.5)).toThrow(/pad: amount/);
  });
});

describe('randomCrops', () => {
  it('has the crop shape and only moves values: each crop is a sub-multiset of its image plus padding zeros (property)', () => {
    fc.assert(
      fc.property(
        batchSpec(),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (spec, p, ch, cw) => {
          fc.pre(ch <= spec.h + 2 * p && cw <= spec.w + 2 * p);
          const x = makeBatch(spec, { integers: true, lo: 1, hi: 6 });
          const y = randomCrops(ch, cw, p)(x, new Rng(spec.seed));
          expect(y.shape).toEqual([spec.n, spec.c, ch, cw]);
          for (let i = 0; i < spec.n; i++) {
            const source = multiset(imageOf(x, i));
            source.set(0, ch * cw * spec.c);
            expect(isSubMultiset(multiset(imageOf(y, i)), source)).toBe(true);
          }
        },
      ),
    );
  });

  it('each crop is a window of the padded image at some offset, and offsets vary', () => {
    const spec = { n: 64, c: 2, h: 6, w: 5, seed: 1 };
    const x = makeBatch(spec);
    const p = 2;
    const padded = pad(p)(x, new Rng(0));
    const y = randomCrops(6, 5, p)(x, new Rng(42));
    const offsets = new Set<string>();
    for (let i = 0; i < spec.n; i++) {
      const img = imageOf(y, i);
      const src = imageOf(padded, i);
      let match: string | null = null;
      for (let t = 0; t <= 2 * p && !match; t++) {
        for (let l = 0; l <= 2 * p && !match; l++) {
          let ok = true;
          for (let c = 0; c < 2 && ok; c++) {
            for (let r = 0; r < 6 && ok; r++) {
              for (let q = 0; q < 5 && ok; q++) ok = img[c * 30 + r * 5 + q] === src[c * 90 + (r + t) * 9 + (q + l)];
            }
          }
          if (ok) match = `${t},${l}`;
        }
      }
      expect(match).not.toBeNull();
      offsets.add(match!);
    }
    expect(offsets.size).toBeGreaterThan(10);
  });

  it('writes into out and rejects a crop larger than the padded image, or an aliased out', () => {
    const x = makeBatch({ n: 2, c: 1, h: 4, w: 4, seed: 0 });
    const out = zeros([2, 1, 3, 3]);
    expect(randomCrops(3, 3)(x, new Rng(0), out)).toBe(out);
    expect(() => randomCrops(7, 3, 1)(x, new Rng(0))).toThrow(
      /randomCrops: crop 7×3 is larger than the padded image 6×6/,
    );
    expect(() => randomCrops(3, 3)(x, new Rng(0), zeros([2, 1, 4, 4]))).toThrow(
      /out has shape \[2, 1, 4, 4\], expected \[2, 1, 3, 3\]/,
    );
    expect(() => randomCrops(4, 4)(x, new Rng(0), x)).toThrow(ShapeError);
    expect(() => randomCrops(0, 3)).toThrow(/randomCrops: cropH must be a positive integer, got 0/);
  });
});

describe('fixedCrops', () => {
  const x = tensor(
    Array.from({ length: 16 }, (_, i) => i),
    [1, 1, 4, 4],
  );

  it('takes the centre and the four corners', () => {
    const at = (p: Parameters<typeof fixedCrops>[2]): number[] => valuesOf(fixedCrops(2, 2, p)(x, new Rng(0)));
    expect(at('center')).toEqual([5, 6, 9, 10]);
    expect(at('top-left')).toEqual([0, 1, 4, 5]);
    expect(at('top-right')).toEqual([2, 3, 6, 7]);
    expect(at('bottom-left')).toEqual([8, 9, 12, 13]);
    expect(at('bottom-right')).toEqual([10, 11, 14, 15]);
  });

  it("'all' stacks the five positions, position-major", () => {
    const two = tensor(
      [...Array.from({ length: 16 }, (_, i) => i), ...Array.from({ length: 16 }, (_, i) => 100 + i)],
      [2, 1, 4, 4],
    );
    const y = fixedCrops(2, 2, 'all')(two, new Rng(0));
    expect(y.shape).toEqual([10, 1, 2, 2]);
    expect(imageOf(y, 0)).toEqual([5, 6, 9, 10]);
    expect(imageOf(y, 1)).toEqual([105, 106, 109, 110]);
    expect(imageOf(y, 9)).toEqual([110, 111, 114, 115]);
  });

  it('rejects a crop larger than the image and an unknown position', () => {
    expect(() => fixedCrops(5, 2)(x, new Rng(0))).toThrow(/fixedCrops: crop 5×2 is larger than the image 4×4/);
    expect(() => fixedCrops(2, 2, 'middle' as never)).toThrow(/position must be one of center, top-left/);
  });
});
