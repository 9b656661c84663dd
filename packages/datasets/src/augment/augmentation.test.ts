/**
 * The contract every augmentation shares (augmentation.ts): shape and dtype as documented, the
 * same seed gives the same output, different seeds give different outputs, `out` is honoured,
 * and the input is left untouched.
 */

import { Rng, Tensor } from '@funt/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rgbPca } from '../preprocess/rgb-pca.js';
import { batchSpec, makeBatch, valuesOf } from '../testing/internal/helpers.js';
import type { Augmentation } from './augmentation.js';
import { compose } from './compose.js';
import { randomContrast } from './contrast.js';
import { elasticDistortion } from './elastic.js';
import { fixedCrops } from './fixed-crops.js';
import { randomFlips } from './flip.js';
import { gaussianNoise, saltAndPepper, speckleNoise } from './noise.js';
import { pad } from './pad.js';
import { pcaLighting } from './pca-lighting.js';
import { randomCrops } from './random-crops.js';
import { randomRotate } from './rotate.js';
import { randomTint } from './tint.js';

const pca = rgbPca(makeBatch({ n: 4, c: 3, h: 5, w: 5, seed: 7 }));

interface Case {
  name: string;
  aug: Augmentation;
  /** Output shape for an input shape. */
  shape: (s: number[]) => number[];
  random: boolean;
  channels?: number;
}

const same = (s: number[]): number[] => s;
const cases: Case[] = [
  { name: 'randomFlips', aug: randomFlips(), shape: same, random: true },
  { name: 'pad(2)', aug: pad(2), shape: ([n, c, h, w]) => [n, c, h + 4, w + 4], random: false },
  { name: 'randomCrops(4, 4, 2)', aug: randomCrops(4, 4, 2), shape: ([n, c]) => [n, c, 4, 4], random: true },
  { name: "fixedCrops(3, 3, 'all')", aug: fixedCrops(3, 3, 'all'), shape: ([n, c]) => [5 * n, c, 3, 3], random: false },
  { name: 'randomRotate(30)', aug: randomRotate(30), shape: same, random: true },
  { name: 'randomContrast', aug: randomContrast(), shape: same, random: true },
  { name: "randomContrast(center 'mean')", aug: randomContrast({ center: 'mean' }), shape: same, random: true },
  { name: 'randomTint', aug: randomTint(), shape: same, random: true },
  { name: 'saltAndPepper', aug: saltAndPepper({ amount: 0.2 }), shape: same, random: true },
  { name: 'gaussianNoise', aug: gaussianNoise(), shape: same, random: true },
  { name: 'speckleNoise', aug: speckleNoise(), shape: same, random: true },
  { name: 'elasticDistortion', aug: elasticDistortion({ alpha: 3, sigma: 1 }), shape: same, random: true },
  { name: 'pcaLighting', aug: pcaLighting(pca, 0.5), shape: same, random: true, channels: 3 },
  {
    name: 'compose(flip, crop)',
    aug: compose([randomFlips(), randomCrops(5, 5, 1)]),
    shape: ([n, c]) => [n, c, 5, 5],
    random: true,
  },
];

/** Batches big enough that two seeds cannot plausibly draw the same transformation. */
const spec = (channels?: number) =>
  batchSpec({ n: 4, c: 3, h: 9, w: 9 }).map((s) => ({
    ...s,
    n: s.n + 24,
    c: channels ?? s.c,
    h: Math.max(s.h, 6),
    w: Math.max(s.w, 6),
  }));

describe.each(cases)('$name', ({ aug, shape, random, channels }) => {
  it('keeps the dtype, gives the documented shape, and leaves the input untouched (property)', () => {
    fc.assert(
      fc.property(spec(channels), fc.constantFrom('float32' as const, 'float64' as const), (s, dtype) => {
        const x = makeBatch(s, { lo: 0.1, hi: 0.9, dtype });
        const before = valuesOf(x);
        const y = aug(x, new Rng(s.seed));
        expect(y.dtype).toBe(dtype);
        expect([...y.shape]).toEqual(shape([...x.shape]));
        expect(valuesOf(x)).toEqual(before);
        expect(valuesOf(y).every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('the same seed gives the same output; different seeds differ (property)', () => {
    fc.assert(
      fc.property(spec(channels), fc.integer(), fc.integer(), (s, seedA, seedB) => {
        fc.pre(seedA !== seedB);
        const x = makeBatch(s, { lo: 0.1, hi: 0.9 });
        const a = valuesOf(aug(x, new Rng(seedA)));
        expect(valuesOf(aug(x, new Rng(seedA)))).toEqual(a);
        if (random) expect(valuesOf(aug(x, new Rng(seedB)))).not.toEqual(a);
      }),
      { numRuns: 15 },
    );
  });

  it('writes into out when given, with the same result as without', () => {
    const x = makeBatch({ n: 3, c: channels ?? 2, h: 7, w: 7, seed: 5 }, { lo: 0.1, hi: 0.9 });
    const expected = valuesOf(aug(x, new Rng(11)));
    const out = Tensor.empty(shape([...x.shape]), x.dtype);
    expect(aug(x, new Rng(11), out)).toBe(out);
    expect(valuesOf(out)).toEqual(expected);
  });
});
