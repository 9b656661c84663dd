import { Rng } from '@funt/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchSpec, makeBatch, valuesOf } from '../testing/internal/helpers.js';
import { gaussianNoise, saltAndPepper, speckleNoise } from './noise.js';

const range = fc
  .tuple(fc.double({ min: -300, max: 300, noNaN: true }), fc.double({ min: 0, max: 300, noNaN: true }))
  .map(([lo, width]) => [Math.fround(lo), Math.fround(lo + width)] as [number, number]);

describe('noise', () => {
  it('clips to its range whatever the input, also outside the range (property)', () => {
    fc.assert(
      fc.property(batchSpec(), range, fc.double({ min: 0, max: 50, noNaN: true }), (spec, r, std) => {
        const x = makeBatch(spec, { lo: -1000, hi: 1000 });
        for (const aug of [
          gaussianNoise({ std, range: r }),
          speckleNoise({ std, range: r }),
          saltAndPepper({ amount: 0.3, range: r }),
        ]) {
          for (const v of valuesOf(aug(x, new Rng(spec.seed)))) {
            expect(v).toBeGreaterThanOrEqual(r[0]);
            expect(v).toBeLessThanOrEqual(r[1]);
          }
        }
      }),
    );
  });

  it('defaults to the range [0, 1]', () => {
    const x = makeBatch({ n: 4, c: 3, h: 8, w: 8, seed: 2 }, { lo: -2, hi: 3 });
    for (const v of valuesOf(gaussianNoise({ std: 2 })(x, new Rng(0)))) expect(v >= 0 && v <= 1).toBe(true);
  });

  it("salt and pepper replaces values by the two ends only, in the salt ratio (the replaced fraction is the kit's law)", () => {
    const x = makeBatch({ n: 8, c: 3, h: 16, w: 16, seed: 1 }, { lo: 0.25, hi: 0.75 });
    const y = valuesOf(saltAndPepper({ amount: 0.1, saltRatio: 0.25 })(x, new Rng(3)));
    const salt = y.filter((v) => v === 1).length;
    const pepper = y.filter((v) => v === 0).length;
    const changed = y.filter((v, i) => v !== x.data[i]).length;
    expect(changed).toBe(salt + pepper);
    expect(salt / changed).toBeGreaterThan(0.18);
    expect(salt / changed).toBeLessThan(0.32);
  });

  it('gaussian noise has the requested spread; speckle scales with the value', () => {
    const x = makeBatch({ n: 16, c: 1, h: 32, w: 32, seed: 1 }, { lo: 0.5, hi: 0.5 });
    const y = valuesOf(gaussianNoise({ std: 0.05 })(x, new Rng(1)));
    const d = y.map((v) => v - 0.5);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(sd).toBeCloseTo(0.05, 2);
    const zero = makeBatch({ n: 2, c: 1, h: 4, w: 4, seed: 1 }, { lo: 0, hi: 0 });
    expect(valuesOf(speckleNoise({ std: 1 })(zero, new Rng(0))).every((v) => v === 0)).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => gaussianNoise({ range: [1, 0] })).toThrow(
      /gaussianNoise: range must be \[lo, hi\] with finite lo <= hi, got \[1,0\]/,
    );
    expect(() => saltAndPepper({ amount: 2 })).toThrow(/saltAndPepper: amount must be in \[0, 1\], got 2/);
    expect(() => speckleNoise({ std: -1 })).toThrow(/speckleNoise: std must be finite and >= 0, got -1/);
  });
});
