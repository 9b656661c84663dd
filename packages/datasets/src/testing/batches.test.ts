import { Rng } from '@funt/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchTensor, type ImageBatch, imageBatches, seeds } from './index.js';

/** The images of a batch, each as its values. */
function images(b: ImageBatch): Float64Array[] {
  const [n, c, h, w] = b.shape;
  const size = c * h * w;
  return Array.from({ length: n }, (_, i) => b.data.subarray(i * size, (i + 1) * size));
}

describe('imageBatches', () => {
  it('keeps to its limits: sizes, value range, integers for uint8, element types (property)', () => {
    const limits = { n: [2, 5], c: 3, h: [1, 4], w: [6, 7], values: 'uint8', dtypes: ['float32'] } as const;
    fc.assert(
      fc.property(imageBatches(limits), (b) => {
        const [n, c, h, w] = b.shape;
        expect(n >= 2 && n <= 5 && c === 3 && h >= 1 && h <= 4 && w >= 6 && w <= 7).toBe(true);
        expect(b.dtype).toBe('float32');
        expect(b.data.length).toBe(n * c * h * w);
        for (const v of b.data) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true);
      }),
    );
    fc.assert(
      fc.property(imageBatches({ values: [-2.5, 0.3] }), (b) => {
        for (const v of b.data) {
          expect(v >= -2.5 && v <= 0.3).toBe(true);
          // Exactly what the tensor will hold.
          if (b.dtype === 'float32') expect(Math.fround(v)).toBe(v);
        }
      }),
    );
  });

  it('draws the edge cases: 1×1 images, one channel, constant images, only the two ends of the range', () => {
    const drawn = fc.sample(imageBatches(), { numRuns: 300, seed: 42 });
    const all = drawn.flatMap(images);
    expect(drawn.some((b) => b.shape[2] === 1 && b.shape[3] === 1)).toBe(true);
    expect(drawn.some((b) => b.shape[1] === 1)).toBe(true);
    expect(drawn.some((b) => b.dtype === 'float32') && drawn.some((b) => b.dtype === 'float64')).toBe(true);
    expect(all.some((img) => img.length > 1 && img.every((v) => v === img[0]))).toBe(true);
    expect(all.some((img) => img.length > 4 && img.every((v) => v === 0 || v === 1) && new Set(img).size === 2)).toBe(
      true,
    );
    expect(all.some((img) => new Set(img).size === img.length && img.length > 4)).toBe(true);
  });

  it('makes tensors holding the batch: float64 on the reference backend', () => {
    for (const b of fc.sample(imageBatches({ n: 2 }), { numRuns: 20, seed: 1 })) {
      const x = batchTensor(b);
      expect([...x.shape]).toEqual([...b.shape]);
      expect(x.dtype).toBe(b.dtype);
      if (b.dtype === 'float64') expect(x.backend.name).toBe('reference');
      expect(Array.from(x.data)).toEqual(Array.from(b.data));
      x.dispose();
    }
  });

  it('rejects limits no batch meets, with the field named', () => {
    expect(() => imageBatches({ h: [3, 2] })).toThrow(/batch limits: h must be a size >= 1 or \[min, max\]/);
    expect(() => imageBatches({ n: 0 })).toThrow(/batch limits: n must be/);
    expect(() => imageBatches({ w: [1, Infinity] })).toThrow(/batch limits: w needs a finite maximum/);
    expect(() => imageBatches({ values: [1, 0] })).toThrow(/batch limits: values must be 'uint8' or \[lo, hi\]/);
    expect(() => imageBatches({ dtypes: [] })).toThrow(/batch limits: dtypes must list/);
  });
});

describe('seeds', () => {
  it('are 32-bit unsigned integers a generator takes', () => {
    for (const s of fc.sample(seeds(), { numRuns: 200, seed: 3 })) {
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
      expect(() => new Rng(s)).not.toThrow();
    }
  });
});
