import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damaged, expectResultOrDatasetError } from '../testing/internal/fuzz.js';
import { cifarBytes } from '../testing/internal/writers.js';
import { CIFAR_RECORD_BYTES, parseCifarBatch } from './cifar.js';

const valid = cifarBytes([3, 9], (i, k) => (i * 7 + k) % 256);

describe('parseCifarBatch', () => {
  it('splits records into label and R, G, B planes', () => {
    const { images, labels, count } = parseCifarBatch(valid, 'data_batch_1.bin');
    expect(count).toBe(2);
    expect(Array.from(labels)).toEqual([3, 9]);
    expect(images[0]).toBe(0);
    expect(images[3072]).toBe(7);
    expect(images[3072 + 1024]).toBe((7 + 1024) % 256);
  });

  it('reports a truncated record with its offset and sizes', () => {
    const cut = valid.subarray(0, CIFAR_RECORD_BYTES + 100);
    expect(() => parseCifarBatch(cut, 'data_batch_2.bin')).toThrow(
      'data_batch_2.bin (byte 3073): truncated record 1 (file size 3173 is not a multiple of the record size) (expected 3073 bytes, found 100 bytes)',
    );
    expect(() => parseCifarBatch(new Uint8Array(0), 'empty.bin')).toThrow(/empty.bin \(byte 0\): is empty/);
  });

  it('reports a label out of range', () => {
    const bad = Buffer.from(valid);
    bad[CIFAR_RECORD_BYTES] = 10;
    expect(() => parseCifarBatch(bad, 'b')).toThrow(
      /b \(byte 3073\): label of record 1 out of range \(expected 0..9, found 10\)/,
    );
  });

  it('random bytes and damaged batches: DatasetError or whole records, nothing else (property)', () => {
    const input = fc.oneof(fc.uint8Array({ maxLength: 2 * CIFAR_RECORD_BYTES + 10 }), damaged(valid));
    fc.assert(
      fc.property(input, (bytes) => {
        expectResultOrDatasetError(
          () => parseCifarBatch(bytes, 'fuzz.bin'),
          (r) => {
            expect(r.count * CIFAR_RECORD_BYTES).toBe(bytes.length);
            for (const l of r.labels) expect(l).toBeLessThan(10);
          },
        );
      }),
      { numRuns: 300 },
    );
  });
});
