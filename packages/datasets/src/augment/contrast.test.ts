import { Rng } from '@funt/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchSpec, imageOf, makeBatch } from '../testing/internal/helpers.js';
import { randomContrast } from './contrast.js';
import { randomTint } from './tint.js';

describe('randomContrast', () => {
  it("scales each image by one factor in [lo, hi]; 'mean' keeps each image's mean", () => {
    fc.assert(
      fc.property(batchSpec(), (spec) => {
        const x = makeBatch(spec, { lo: 0.5, hi: 1.5 });
        const y = randomContrast({ lo: 0.5, hi: 2 })(x, new Rng(spec.seed));
        for (let i = 0; i < spec.n; i++) {
          const xi = imageOf(x, i);
          const f = imageOf(y, i)[0] / xi[0];
          expect(f).toBeGreaterThanOrEqual(0.5 - 1e-6);
          expect(f).toBeLessThanOrEqual(2 + 1e-6);
          imageOf(y, i).forEach((v, k) => expect(v).toBeCloseTo(xi[k] * f, 5));
        }
        const m = randomContrast({ lo: 0.5, hi: 2, center: 'mean' })(x, new Rng(spec.seed));
        const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
        for (let i = 0; i < spec.n; i++) expect(mean(imageOf(m, i))).toBeCloseTo(mean(imageOf(x, i)), 5);
      }),
    );
  });

  it('rejects lo > hi and an unknown center', () => {
    expect(() => randomContrast({ lo: 2, hi: 1 })).toThrow(/randomContrast: lo must be finite and <= hi \(1\), got 2/);
    expect(() => randomContrast({ center: 'middle' as never })).toThrow(/center must be 'zero' or 'mean'/);
  });
});

describe('randomTint', () => {
  it('adds one offset in [lo, hi] per channel of each image (property)', () => {
    fc.assert(
      fc.property(batchSpec(), (spec) => {
        const x = makeBatch(spec, { integers: true, lo: 0, hi: 256 });
        const y = randomTint()(x, new Rng(spec.seed));
        const plane = spec.h * spec.w;
        for (let p = 0; p < spec.n * spec.c; p++) {
          const t = y.data[p * plane] - x.data[p * plane];
          expect(Math.abs(t)).toBeLessThanOrEqual(10 + 1e-4);
          for (let k = p * plane; k < (p + 1) * plane; k++) expect(y.data[k] - x.data[k]).toBeCloseTo(t, 3);
        }
      }),
    );
  });
});
