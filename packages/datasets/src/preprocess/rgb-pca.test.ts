import { Rng, ShapeError } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { imageSet } from '../image-set.js';
import { makeBatch } from '../testing/internal/helpers.js';
import { rgbPca } from './rgb-pca.js';
import { fitStandardization } from './standardize.js';

describe('rgbPca', () => {
  it('finds the axis of correlated colour: grey variation lies along (1, 1, 1)/√3', () => {
    const rng = new Rng(1);
    const n = 50;
    const hw = 16;
    const px = new Uint8Array(n * 3 * hw);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < hw; p++) {
        const v = rng.int(200);
        for (let ch = 0; ch < 3; ch++) px[(i * 3 + ch) * hw + p] = v + ch * 10;
      }
    }
    const { values, vectors } = rgbPca(imageSet(px, [n, 3, 4, 4], new Int32Array(n), ['x']));
    expect(values[1]).toBeCloseTo(0, 6);
    expect(values[2]).toBeCloseTo(0, 6);
    for (const c of vectors[0]) expect(Math.abs(c)).toBeCloseTo(1 / Math.sqrt(3), 9);
    // The variance of v, in pixel units, times 3 (three equal coordinates).
    expect(values[0]).toBeGreaterThan(3 * 2500);
  });

  it('is computed in standardised units when given the statistics, and accepts tensors', () => {
    const x = makeBatch({ n: 6, c: 3, h: 3, w: 3, seed: 2 }, { integers: true, lo: 0, hi: 256 });
    const set = imageSet(Uint8Array.from(x.data), [6, 3, 3, 3], new Int32Array(6), ['x']);
    const raw = rgbPca(set);
    expect(rgbPca(x).values[0]).toBeCloseTo(raw.values[0], 3);
    const scaled = rgbPca(set, { scale: 0.5, mean: Float32Array.of(0), std: Float32Array.of(1) });
    expect(scaled.values[0]).toBeCloseTo(raw.values[0] / 4, 3);
    const st = fitStandardization(set, 'channel');
    const trace = rgbPca(set, st).values.reduce((a, b) => a + b, 0);
    expect(trace).toBeCloseTo(3, 4);
  });

  it('needs N×3×H×W input', () => {
    const grey = makeBatch({ n: 1, c: 1, h: 2, w: 2, seed: 0 });
    expect(() => rgbPca(grey)).toThrow(ShapeError);
    expect(() => rgbPca(grey)).toThrow(/rgbPca: expected N×3×H×W RGB images, got \[1, 1, 2, 2\]/);
  });
});
