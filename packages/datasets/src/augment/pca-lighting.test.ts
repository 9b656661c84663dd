import { Rng, ShapeError } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { makeBatch } from '../testing/internal/helpers.js';
import { pcaLighting } from './pca-lighting.js';

describe('pcaLighting', () => {
  const pca = {
    values: [4, 1, 0] as [number, number, number],
    vectors: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ] as [number[], number[], number[]],
  };

  it('shifts each channel of an image by one amount along the principal axes', () => {
    const x = makeBatch({ n: 200, c: 3, h: 2, w: 2, seed: 1 });
    const y = pcaLighting(pca, 0.1)(x, new Rng(2));
    const shifts: number[][] = [];
    for (let i = 0; i < 200; i++) {
      const s = [0, 1, 2].map((ch) => y.data[(i * 3 + ch) * 4] - x.data[(i * 3 + ch) * 4]);
      for (let ch = 0; ch < 3; ch++) {
        for (let p = 0; p < 4; p++)
          expect(y.data[(i * 3 + ch) * 4 + p] - x.data[(i * 3 + ch) * 4 + p]).toBeCloseTo(s[ch], 5);
      }
      shifts.push(s);
    }
    const sd = (ch: number): number => Math.sqrt(shifts.reduce((a, s) => a + s[ch] ** 2, 0) / shifts.length);
    // σ = √λ · std: 0.2 for red, 0.1 for green, 0 for blue.
    expect(sd(0)).toBeGreaterThan(0.16);
    expect(sd(0)).toBeLessThan(0.24);
    expect(sd(1)).toBeGreaterThan(0.08);
    expect(sd(1)).toBeLessThan(0.12);
    expect(sd(2)).toBe(0);
  });

  it('needs RGB batches and a PCA', () => {
    const grey = makeBatch({ n: 1, c: 1, h: 2, w: 2, seed: 0 });
    expect(() => pcaLighting(pca)(grey, new Rng(0))).toThrow(ShapeError);
    expect(() => pcaLighting(pca)(grey, new Rng(0))).toThrow(
      /pcaLighting: expected 3 \(RGB\) channels, got \[1, 1, 2, 2\]/,
    );
    expect(() => pcaLighting({} as never)).toThrow(/pcaLighting: pca must be an RgbPca/);
  });
});
