import { Rng, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { imageSet } from '../image-set.js';
import { batches } from './batches.js';
import { scaling } from './standardize.js';

const n = 10;
const set = imageSet(
  Uint8Array.from({ length: n * 2 }, (_, i) => i),
  [n, 2, 1, 1],
  Int32Array.from({ length: n }, (_, i) => i),
  ['x'],
);

describe('batches', () => {
  it('covers the set once in order, with a smaller last batch', () => {
    const got = [...batches(set, { batchSize: 4 })];
    expect(got.map((b) => b.x.shape[0])).toEqual([4, 4, 2]);
    expect(got.flatMap((b) => Array.from(b.y))).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(Array.from(got[1].x.data)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('shuffles with a generator, reproducibly, and drops the last batch on request', () => {
    const a = [...batches(set, { batchSize: 3, rng: new Rng(1), dropLast: true })];
    expect(a.length).toBe(3);
    const rows = a.flatMap((b) => Array.from(b.rows));
    expect(new Set(rows).size).toBe(9);
    expect(rows).not.toEqual([...rows].sort((x, y) => x - y));
    const b = [...batches(set, { batchSize: 3, rng: new Rng(1), dropLast: true })];
    expect(b.flatMap((x) => Array.from(x.rows))).toEqual(rows);
    for (const batch of a) batch.rows.forEach((r, i) => expect(batch.y[i]).toBe(set.labels[r]));
  });

  it('applies a standardization and dtype', () => {
    const [first] = withBackend('reference', () => [
      ...batches(set, { batchSize: 1, standardization: scaling(0.5), dtype: 'float64' }),
    ]);
    expect(first.x.dtype).toBe('float64');
    expect(Array.from(first.x.data)).toEqual([0, 0.5]);
  });

  it('rejects a bad batch size', () => {
    expect(() => [...batches(set, { batchSize: 0 })]).toThrow(/batches: batchSize must be a positive integer, got 0/);
  });
});
