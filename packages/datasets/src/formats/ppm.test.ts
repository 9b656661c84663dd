import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damaged, expectResultOrDatasetError } from '../testing/internal/fuzz.js';
import { ppmBytes } from '../testing/internal/writers.js';
import { parsePpm } from './ppm.js';

const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90];
const valid = ppmBytes(3, 2, rgb, 255, 'made by a test');

describe('parsePpm', () => {
  it('reads P6 with comments', () => {
    const img = parsePpm(valid, 'a.ppm');
    expect([img.width, img.height, img.maxval]).toEqual([3, 2, 255]);
    expect(Array.from(img.data)).toEqual(rgb);
  });

  it('scales other maxvals, including 16-bit samples, to 0..255', () => {
    expect(Array.from(parsePpm(ppmBytes(1, 1, [0, 50, 100], 100), 'b').data)).toEqual([0, 128, 255]);
    expect(Array.from(parsePpm(ppmBytes(1, 1, [0, 32768, 65535], 65535), 'c').data)).toEqual([0, 128, 255]);
    expect(() => parsePpm(ppmBytes(1, 1, [0, 101, 0], 100), 'd')).toThrow(
      /sample 1 exceeds maxval \(expected <= 100, found 101\)/,
    );
  });

  it('gives typed errors for a wrong magic, bad header fields and truncated pixels', () => {
    expect(() => parsePpm(Buffer.from('P3\n1 1\n255\n0 0 0'), 'ascii.ppm')).toThrow(
      'ascii.ppm (byte 0): wrong magic number (not a binary PPM) (expected "P6", found "P3")',
    );
    expect(() => parsePpm(Buffer.from('P6\n1 x\n255\n'), 'e')).toThrow(/height is not a decimal number/);
    expect(() => parsePpm(Buffer.from('P6\n0 1\n255\n'), 'f')).toThrow(/image has no pixels/);
    expect(() => parsePpm(Buffer.from('P6\n1 1\n70000\n'), 'g')).toThrow(
      /maxval out of range \(expected 1..65535, found 70000\)/,
    );
    expect(() => parsePpm(valid.subarray(0, valid.length - 1), 'h.ppm')).toThrow(
      /h.ppm \(byte \d+\): pixel data is truncated \(3×2, maxval 255\) \(expected 18 bytes, found 17\)/,
    );
  });

  it('rejects a header claiming a giant image before allocating it', () => {
    const before = process.memoryUsage().arrayBuffers;
    expect(() => parsePpm(Buffer.from('P6\n999999999 999999999\n255\n\0\0\0'), 'giant.ppm')).toThrow(
      /pixel data is truncated/,
    );
    expect(() => parsePpm(Buffer.from('P6\n99999999999999 1\n255\n'), 'digits.ppm')).toThrow(
      /width has too many digits/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('random bytes and damaged files: DatasetError or a consistent image, nothing else (property)', () => {
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([Buffer.from('P6 '), b])),
      damaged(valid),
    );
    fc.assert(
      fc.property(input, (bytes) => {
        expectResultOrDatasetError(
          () => parsePpm(bytes, 'fuzz.ppm'),
          (img) => expect(img.data.length).toBe(img.width * img.height * 3),
        );
      }),
      { numRuns: 500 },
    );
  });
});
