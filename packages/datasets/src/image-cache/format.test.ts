import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { damaged, expectResultOrDatasetError } from '../testing/internal/fuzz.js';
import { encodeImageCacheHeader, type ReadAt, readImageCacheHeader, readImageCacheLabels } from './format.js';

/** A whole cache file in memory: header, labels, pixels. */
function cacheBytes(shape: [number, number, number, number], names: string[], labels: number[]): Buffer {
  const header = encodeImageCacheHeader(shape, names);
  const l = Buffer.alloc(4 * labels.length);
  labels.forEach((v, i) => l.writeInt32LE(v, 4 * i));
  const pixels = Buffer.from(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (7 * i) % 256));
  return Buffer.concat([header, l, pixels]);
}

/** Positioned reads of in-memory bytes, as the reader does on a file (a read past the end is short). */
function readerOf(bytes: Uint8Array): ReadAt {
  return (position, length) => {
    if (position + length > bytes.length) throw new DatasetError('fuzz.fic', 'short read', { offset: position });
    return bytes.subarray(position, position + length);
  };
}

function parse(bytes: Uint8Array) {
  const header = readImageCacheHeader(readerOf(bytes), bytes.length, 'fuzz.fic');
  return { header, labels: readImageCacheLabels(readerOf(bytes), header, 'fuzz.fic') };
}

const valid = cacheBytes([3, 1, 2, 2], ['cat', 'dög'], [0, 1, -1]);

describe('image cache format', () => {
  it('reads back the shape, class names (UTF-8), labels and where the pixels start', () => {
    const { header, labels } = parse(valid);
    expect(header.shape).toEqual([3, 1, 2, 2]);
    expect(header.classNames).toEqual(['cat', 'dög']);
    expect(Array.from(labels)).toEqual([0, 1, -1]);
    expect(header.pixelsAt).toBe(valid.length - 12);
    expect(valid[header.pixelsAt + 1]).toBe(7);
  });

  it('names the file and the offset of each problem', () => {
    const wrongMagic = Buffer.from(valid);
    wrongMagic[0] = 0x41;
    expect(() => parse(wrongMagic)).toThrow(/^fuzz\.fic \(byte 0\): not a funt image cache \(wrong magic\)/);
    const version = Buffer.from(valid);
    version.writeUInt32LE(9, 8);
    expect(() => parse(version)).toThrow(
      /fuzz\.fic \(byte 8\): unsupported image cache version \(expected 1, found 9\)/,
    );
    expect(() => parse(valid.subarray(0, valid.length - 1))).toThrow(/fuzz\.fic .*truncated image cache/);
    expect(() => parse(Buffer.concat([valid, Buffer.from([0])]))).toThrow(/trailing bytes/);
    const label = Buffer.from(valid);
    label.writeInt32LE(2, header().labelsAt + 4);
    expect(() => parse(label)).toThrow(
      /fuzz\.fic \(byte \d+\): label of image 1 out of range \(expected -1\.\.1, found 2\)/,
    );
    expect(() => parse(valid.subarray(0, 10))).toThrow(/truncated image cache header/);
  });

  it('rejects a header claiming a huge set or huge names without allocating them', () => {
    const huge = Buffer.from(valid);
    huge.writeUInt32LE(0xffffffff, 12);
    huge.writeUInt32LE(0xffffffff, 20);
    expect(() => parse(huge)).toThrow(/truncated image cache \(expected \d+ bytes for 4294967295 images/);
    const classes = Buffer.from(valid);
    classes.writeUInt32LE(0xffffffff, 28);
    expect(() => parse(classes)).toThrow(/class count larger than the file can hold/);
    const name = Buffer.from(valid);
    name.writeUInt32LE(0xfffffff0, 32);
    expect(() => parse(name)).toThrow(/class 0's name is longer than the file or the limit/);
  });

  it('random bytes and damaged valid files: DatasetError or a consistent result, nothing else (property)', () => {
    const words = fc.tuple(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 0xffffffff })).map(([word, v]) => {
      const b = Buffer.from(valid);
      b.writeUInt32LE(v, 4 * word);
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), damaged(valid), words), (bytes) =>
        expectResultOrDatasetError(
          () => parse(bytes),
          ({ header, labels }) => {
            const [n, c, h, w] = header.shape;
            expect(header.pixelsAt + n * c * h * w).toBe(bytes.length);
            expect(labels.length).toBe(n);
            for (const l of labels) expect(l >= -1 && l < header.classNames.length).toBe(true);
          },
        ),
      ),
      { numRuns: 500 },
    );
  });
});

function header() {
  return readImageCacheHeader(readerOf(valid), valid.length, 'fuzz.fic');
}
