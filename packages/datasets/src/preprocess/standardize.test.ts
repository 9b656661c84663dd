import { fromTypedArray, ShapeError, withBackend } from '@funt/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageSet } from '../image-set.js';
import { toTensor } from '../to-tensor.js';
import { fitStandardization, fitStandardizationOfImages, meanImage, scaling, standardize } from './standardize.js';

/** 3 images, 2 channels, 1×2 pixels. */
const set = imageSet(
  Uint8Array.from([0, 10, 20, 30, 2, 12, 22, 32, 4, 14, 24, 34]),
  [3, 2, 1, 2],
  Int32Array.from([0, 1, 0]),
  ['a', 'b'],
);

describe('fitStandardization', () => {
  it("'image' (PyDatSet): the mean image and one std of the mean-subtracted pixels", () => {
    const s = fitStandardization(set, 'image');
    expect(Array.from(s.mean)).toEqual([2, 12, 22, 32]);
    // Deviations are −2, 0, 2 at every position: variance 8/3.
    expect(s.std.length).toBe(1);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(Array.from(meanImage(set))).toEqual([2, 12, 22, 32]);
  });

  it('over images read one at a time into one reused buffer: the same bits as over the set', () => {
    const row = new Uint8Array(4);
    for (const mode of ['image', 'channel'] as const) {
      const streamed = fitStandardizationOfImages(
        set.shape,
        (i) => {
          row.set(set.images.subarray(4 * i, 4 * i + 4));
          return row;
        },
        mode,
        0.5,
      );
      const whole = fitStandardization(set, mode, 0.5);
      expect(Array.from(streamed.mean)).toEqual(Array.from(whole.mean));
      expect(Array.from(streamed.std)).toEqual(Array.from(whole.std));
    }
    expect(() => fitStandardizationOfImages([0, 1, 1, 1], () => row)).toThrow(/the set is empty/);
  });

  it("'channel': one mean and std per channel, in scaled units", () => {
    const s = fitStandardization(set, 'channel', 0.5);
    expect(Array.from(s.mean)).toEqual([3.5, 13.5]);
    // Channel 0 values /2: 0,5,1,6,2,7 → mean 3.5, variance 35/12 (computed by hand).
    expect(s.std[0]).toBeCloseTo(Math.sqrt((3.5 ** 2 + 1.5 ** 2 + 2.5 ** 2 + 2.5 ** 2 + 1.5 ** 2 + 3.5 ** 2) / 6), 5);
    expect(s.scale).toBe(0.5);
  });

  it('applying the fitted statistics gives mean 0 and std 1 on the training set (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.uint8Array({ minLength: 6 * 3 * 4, maxLength: 6 * 3 * 4 }),
        fc.constantFrom('image' as const, 'channel' as const),
        (n, c, bytes, mode) => {
          const px = bytes.slice(0, n * c * 4);
          fc.pre(new Set(px).size > 1);
          const s = imageSet(px, [n, c, 2, 2], new Int32Array(n), ['x']);
          const st = fitStandardization(s, mode);
          const t = withBackend('reference', () => toTensor(s, { standardization: st, dtype: 'float64' }));
          const v = Array.from(t.data);
          const mean = v.reduce((a, b) => a + b, 0) / v.length;
          expect(Math.abs(mean)).toBeLessThan(1e-5);
          if (mode === 'image') {
            const sd = Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
            // A constant position has deviation 0 everywhere; the std is over all positions.
            expect(sd).toBeCloseTo(1, 4);
          }
        },
      ),
    );
  });

  it('treats a constant set as std 1 rather than dividing by zero', () => {
    const flat = imageSet(new Uint8Array(8).fill(7), [2, 1, 2, 2], new Int32Array(2), ['x']);
    const s = fitStandardization(flat, 'channel');
    expect(s.std[0]).toBe(1);
    expect(Array.from(toTensor(flat, { standardization: s }).data)).toEqual(new Array(8).fill(0));
  });

  it('rejects empty sets, bad modes and bad scales', () => {
    const empty = imageSet(new Uint8Array(0), [0, 1, 2, 2], new Int32Array(0), ['x']);
    expect(() => fitStandardization(empty)).toThrow(/fitStandardization: the set is empty/);
    expect(() => fitStandardization(set, 'pixel' as never)).toThrow(/mode must be 'image' or 'channel', got 'pixel'/);
    expect(() => fitStandardization(set, 'image', 0)).toThrow(/scale must be finite and non-zero, got 0/);
  });
});

describe('standardize', () => {
  it('applies training statistics to a tensor, in place if asked, matching toTensor', () => {
    const s = fitStandardization(set, 'image');
    const raw = toTensor(set);
    const expected = Array.from(toTensor(set, { standardization: s }).data);
    const y = standardize(raw, s, raw);
    expect(y).toBe(raw);
    expect(Array.from(y.data)).toEqual(expected);
  });

  it('scaling(1/255) maps bytes to [0, 1]', () => {
    const b = imageSet(Uint8Array.from([0, 255, 51, 102]), [1, 1, 2, 2], Int32Array.of(0), ['x']);
    expect(Array.from(toTensor(b, { standardization: scaling(1 / 255) }).data)).toEqual(
      [0, 1, 0.2, 0.4].map(Math.fround),
    );
  });

  it('rejects statistics that do not broadcast, naming the lengths', () => {
    const x = fromTypedArray(new Float32Array(8), [1, 2, 2, 2]);
    const bad = { scale: 1, mean: new Float32Array(3), std: Float32Array.of(1) };
    expect(() => standardize(x, bad)).toThrow(ShapeError);
    expect(() => standardize(x, bad)).toThrow(/mean has 3 values; expected 1, 2 \(channels\) or 8 \(C·H·W\)/);
    expect(() => standardize(fromTypedArray(new Float32Array(2), [2]), bad)).toThrow(
      /standardize: expected an N×C×H×W batch, got \[2\]/,
    );
  });
});
