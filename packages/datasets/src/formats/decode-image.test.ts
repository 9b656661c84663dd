import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { tempDir } from '../testing/internal/helpers.js';
import { greyJpeg, jpegBytes, ppmBytes, solidJpeg } from '../testing/internal/writers.js';
import { decodeImageInto } from './decode-image.js';

const tmp = tempDir();
afterAll(tmp.remove);

function near(actual: number, expected: number, tolerance = 6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance);
}

describe('decodeImageInto', () => {
  it('decodes a JPEG, resizes it and writes C×H×W planes at the offset', async () => {
    const file = join(tmp.dir, 'left-red-right-blue.jpg');
    writeFileSync(file, await jpegBytes(64, 48, (x) => (x < 32 ? [220, 20, 20] : [20, 20, 220])));
    const dst = new Uint8Array(5 + 3 * 6 * 8);
    await decodeImageInto(file, { width: 8, height: 6 }, dst, 5);
    const at = (ch: number, y: number, x: number): number => dst[5 + ch * 48 + y * 8 + x];
    near(at(0, 3, 0), 220);
    near(at(2, 3, 0), 20);
    near(at(0, 3, 7), 20);
    near(at(2, 3, 7), 220);
    expect(dst.subarray(0, 5).every((v) => v === 0)).toBe(true);
  });

  it('expands grey images to RGB, or reduces colour to one channel', async () => {
    const grey = join(tmp.dir, 'grey.jpg');
    writeFileSync(grey, await greyJpeg(8, 8, 90));
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const rgb = new Uint8Array(3 * 16);
    await decodeImageInto(grey, { width: 4, height: 4 }, rgb, 0);
    for (let p = 0; p < 16; p++) {
      near(rgb[p], 90);
      expect(rgb[16 + p]).toBe(rgb[p]);
      expect(rgb[32 + p]).toBe(rgb[p]);
    }
    const colour = join(tmp.dir, 'green.jpg');
    writeFileSync(colour, await solidJpeg(8, 8, [0, 200, 0]));
    const one = new Uint8Array(16);
    await decodeImageInto(colour, { width: 4, height: 4, channels: 1 }, one, 0);
    for (const v of one) expect(v).toBeGreaterThan(80);
  });

  it('reads binary PPM through our parser and crops before resizing', async () => {
    const file = join(tmp.dir, 'roi.ppm');
    // 6×6 blue image with a red 2×2 square at (2, 1).
    const px: number[] = [];
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 6; x++) px.push(...(x >= 2 && x < 4 && y >= 1 && y < 3 ? [255, 0, 0] : [0, 0, 255]));
    writeFileSync(file, ppmBytes(6, 6, px));
    const dst = new Uint8Array(3 * 4);
    await decodeImageInto(file, { width: 2, height: 2, crop: { left: 2, top: 1, width: 2, height: 2 } }, dst, 0);
    expect(Array.from(dst)).toEqual([255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
    await expect(
      decodeImageInto(file, { width: 2, height: 2, crop: { left: 5, top: 0, width: 2, height: 2 } }, dst, 0),
    ).rejects.toThrow(
      /roi.ppm: region of interest is outside the image \(expected inside 6×6, found 2×2 at \(5, 0\)\)/,
    );
  });

  it('a JPEG that does not decode, a non-image and a missing file are DatasetErrors naming the file', async () => {
    const whole = await jpegBytes(32, 32, (x, y) => [x * 8, y * 8, 100]);
    const cut = join(tmp.dir, 'truncated.jpg');
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    const junk = join(tmp.dir, 'junk.jpg');
    writeFileSync(junk, 'this is not an image');
    const dst = new Uint8Array(3 * 16);
    for (const file of [cut, junk]) {
      const e = await decodeImageInto(file, { width: 4, height: 4 }, dst, 0).catch((error: unknown) => error);
      expect(e).toBeInstanceOf(DatasetError);
      expect((e as DatasetError).file).toBe(file);
      expect((e as Error).message).toMatch(/image does not decode/);
    }
    await expect(decodeImageInto(join(tmp.dir, 'none.jpg'), { width: 4, height: 4 }, dst, 0)).rejects.toThrow(
      /none.jpg: image file not found/,
    );
  });

  it('an empty file, a folder, a FIFO and a path through a file are DatasetErrors naming the file', async () => {
    const dst = new Uint8Array(3 * 16);
    const empty = join(tmp.dir, 'empty.jpg');
    writeFileSync(empty, '');
    await expect(decodeImageInto(empty, { width: 4, height: 4 }, dst, 0)).rejects.toThrow(
      /empty\.jpg: image file is empty/,
    );
    await expect(decodeImageInto(tmp.dir, { width: 4, height: 4 }, dst, 0)).rejects.toThrow(
      /: is not a regular file \(expected a image file, found a folder\)/,
    );
    await expect(decodeImageInto(join(empty, 'x.jpg'), { width: 4, height: 4 }, dst, 0)).rejects.toThrow(
      /empty\.jpg\/x\.jpg: a part of this path is a file, not a folder/,
    );
    const fifo = join(tmp.dir, 'pipe.jpg');
    execFileSync('mkfifo', [fifo]);
    // Opening a FIFO no one writes to would block forever: it is refused before it is opened.
    await expect(decodeImageInto(fifo, { width: 4, height: 4 }, dst, 0)).rejects.toThrow(
      /pipe\.jpg: is not a regular file \(expected a image file, found a FIFO\)/,
    );
  });
});
