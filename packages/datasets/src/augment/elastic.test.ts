import { Rng } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { makeBatch, valuesOf } from '../testing/internal/helpers.js';
import { elasticDistortion, gaussianKernel } from './elastic.js';

describe('elasticDistortion', () => {
  it('moves pixels smoothly: a constant image stays constant away from the border', () => {
    const x = makeBatch({ n: 2, c: 1, h: 28, w: 28, seed: 0 }, { lo: 0.5, hi: 0.5 });
    const y = valuesOf(elasticDistortion({ alpha: 2, sigma: 4 })(x, new Rng(3)));
    // With alpha 2 the displacement stays below 2 pixels, so pixels 2 away from the border read inside.
    for (let i = 0; i < 2; i++) {
      for (let r = 2; r < 26; r++) for (let c = 2; c < 26; c++) expect(y[i * 784 + r * 28 + c]).toBeCloseTo(0.5, 6);
    }
  });

  it('distorts an image with the default settings, and all channels alike', () => {
    const x = makeBatch({ n: 1, c: 2, h: 28, w: 28, seed: 1 });
    // Make both channels equal, so they must stay equal.
    x.data.copyWithin(784, 0, 784);
    const y = valuesOf(elasticDistortion()(x, new Rng(5)));
    expect(y.slice(0, 784)).toEqual(y.slice(784));
    expect(y).not.toEqual(valuesOf(x));
  });

  it('smooths with a normalised Gaussian of radius ceil(3 sigma)', () => {
    const k = gaussianKernel(1.5);
    expect(k.length).toBe(11);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(k[5]).toBeGreaterThan(k[4]);
    expect(k[4]).toBeCloseTo(k[6], 15);
  });

  it('rejects bad options', () => {
    expect(() => elasticDistortion({ sigma: 0 })).toThrow(/elasticDistortion: sigma must be finite and > 0, got 0/);
    expect(() => elasticDistortion({ alpha: -1 })).toThrow(/alpha must be finite and >= 0, got -1/);
  });
});
