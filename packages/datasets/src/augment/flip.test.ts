import { Rng, ShapeError, tensor } from '@funt/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchSpec, imageOf, makeBatch, multiset, valuesOf } from '../testing/internal/helpers.js';
import { randomFlips } from './flip.js';

describe('randomFlips', () => {
  it('mirrors rows of the images it flips (p = 1)', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
    expect(valuesOf(randomFlips({ p: 1 })(x, new Rng(0)))).toEqual([3, 2, 1, 6, 5, 4]);
    expect(valuesOf(randomFlips({ p: 0 })(x, new Rng(0)))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('only moves values: each image keeps its multiset of values, shape and dtype (property)', () => {
    fc.assert(
      fc.property(batchSpec(), fc.constantFrom('float32' as const, 'float64' as const), (spec, dtype) => {
        const x = makeBatch(spec, { integers: true, lo: 0, hi: 5, dtype });
        const y = randomFlips()(x, new Rng(spec.seed));
        expect(y.shape).toEqual(x.shape);
        expect(y.dtype).toBe(dtype);
        for (let i = 0; i < spec.n; i++) expect(multiset(imageOf(y, i))).toEqual(multiset(imageOf(x, i)));
      }),
    );
  });

  it("mirrors each image whole or not at all (the rate is the kit's flip-rate law)", () => {
    const spec = { n: 100, c: 2, h: 3, w: 4, seed: 3 };
    const x = makeBatch(spec);
    const y = randomFlips()(x, new Rng(9));
    const flipped = randomFlips({ p: 1 })(x, new Rng(0));
    const kinds = new Set<string>();
    for (let i = 0; i < spec.n; i++) {
      const same = imageOf(y, i).every((v, k) => v === imageOf(x, i)[k]);
      const mirrored = imageOf(y, i).every((v, k) => v === imageOf(flipped, i)[k]);
      expect(same || mirrored).toBe(true);
      kinds.add(same ? 'same' : 'mirrored');
    }
    expect(kinds.size).toBe(2);
  });

  it('rejects a bad p and a non-batch with clear errors', () => {
    expect(() => randomFlips({ p: 1.5 })).toThrow(/randomFlips: p must be in \[0, 1\], got 1.5/);
    expect(() => randomFlips()(tensor([1, 2, 3]), new Rng(0))).toThrow(ShapeError);
    expect(() => randomFlips()(tensor([1, 2, 3]), new Rng(0))).toThrow(
      /randomFlips: expected an N×C×H×W batch, got \[3\]/,
    );
    expect(() => randomFlips()(new Float32Array(4) as never, new Rng(0))).toThrow(
      /randomFlips: expected a Tensor batch \(N×C×H×W\), got Float32Array/,
    );
  });
});
