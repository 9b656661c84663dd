import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { damaged, expectResultOrDatasetError } from '../testing/internal/fuzz.js';
import { gzip, idxBytes } from '../testing/internal/writers.js';
import { maybeGunzip } from './gzip.js';
import { parseIdx } from './idx.js';

const valid = idxBytes(
  [3, 2, 2],
  Array.from({ length: 12 }, (_, i) => i * 20),
);

/** Parses bytes the way the loader does (gzip detected by magic number). */
function parse(bytes: Uint8Array, rank?: number): ReturnType<typeof parseIdx> {
  return parseIdx(maybeGunzip(bytes, 'fuzz.idx', 1 << 20), 'fuzz.idx', rank);
}

/** Consistent: as many values as the dims say. */
function checkCounts(r: { dims: number[]; data: Uint8Array }): void {
  expect(r.data.length).toBe(r.dims.reduce((a, b) => a * b, 1));
}

/** Valid files, damaged: truncated, a byte overwritten, or a header word replaced (huge counts). */
const damagedIdx = fc.oneof(
  damaged(valid),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff })).map(([word, v]) => {
    const b = Buffer.from(valid);
    b.writeUInt32BE(v, 4 * word);
    return b;
  }),
);

describe('parseIdx', () => {
  it('reads dims and values, as a view', () => {
    const { dims, data } = parseIdx(valid, 'x', 3);
    expect(dims).toEqual([3, 2, 2]);
    expect(Array.from(data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
    expect(data.buffer).toBe(valid.buffer);
  });

  it('reads gzip-compressed files through maybeGunzip', () => {
    expect((parse(gzip(valid), 3) as { dims: number[] }).dims).toEqual([3, 2, 2]);
  });

  it('names the file, offset, expected and found magic for a wrong magic number', () => {
    const bad = Buffer.from(valid);
    bad.writeUInt32BE(0x12345678, 0);
    const e = (() => {
      try {
        parseIdx(bad, 'train-images-idx3-ubyte', 3);
      } catch (error) {
        return error as DatasetError;
      }
    })()!;
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(
      'train-images-idx3-ubyte (byte 0): wrong magic number (not an IDX file) (expected 0x00000803, found 0x12345678)',
    );
    expect(() => parseIdx(valid, 'labels', 1)).toThrow(
      /wrong magic number \(number of dimensions\) \(expected 0x00000801, found 0x00000803\)/,
    );
    const float = Buffer.from(valid);
    float[2] = 0x0d;
    expect(() => parseIdx(float, 'f', 3)).toThrow(
      /unsupported IDX value type float32 \(expected 0x08 \(uint8\), found 0x0d\)/,
    );
  });

  it('rejects a header that claims more values than the file holds, without allocating them', () => {
    const huge = idxBytes([0xffffffff, 0xffffffff, 0xffffffff], [1, 2, 3]);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => parseIdx(huge, 'huge.idx', 3)).toThrow(
      /header claims more values than the file holds \(4294967295×4294967295×4294967295/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    expect(() => parseIdx(valid.subarray(0, valid.length - 1), 'short', 3)).toThrow(
      /\(expected 12 bytes of data, found 11\)/,
    );
    expect(() => parseIdx(Buffer.concat([valid, Buffer.from([0])]), 'long', 3)).toThrow(
      /file holds more bytes than the header claims/,
    );
    expect(() => parseIdx(valid.subarray(0, 10), 'cut', 3)).toThrow(/header of 3 dimensions is truncated/);
  });

  it('random bytes, plain or gzip-framed: DatasetError or a consistent result, nothing else (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 4 })),
        (bytes, framed, rank) => {
          const input = framed ? Buffer.concat([Buffer.from([0x1f, 0x8b]), bytes]) : bytes;
          expectResultOrDatasetError(() => parse(input, rank ?? undefined), checkCounts);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('damaged valid files, plain and gzipped: DatasetError or a consistent result, nothing else (property)', () => {
    fc.assert(
      fc.property(damagedIdx, fc.boolean(), (bytes, compress) => {
        expectResultOrDatasetError(() => parse(compress ? gzip(bytes) : bytes, 3), checkCounts);
      }),
      { numRuns: 500 },
    );
  });
});

describe('maybeGunzip', () => {
  it('passes plain bytes through and caps the decompressed size', () => {
    const plain = Buffer.from([1, 2, 3]);
    expect(maybeGunzip(plain, 'p')).toBe(plain);
    const bomb = gzip(new Uint8Array(1 << 20));
    expect(() => maybeGunzip(bomb, 'bomb.gz', 1000)).toThrow(/bomb.gz: decompresses to more than 1000 bytes/);
    expect(() => maybeGunzip(Buffer.from([0x1f, 0x8b, 0, 0]), 'bad.gz')).toThrow(/bad.gz: is not valid gzip data/);
  });
});
