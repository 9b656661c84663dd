import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageCache } from './image-cache/writer.js';
import { type ImageItem, loadImageList, streamImageList } from './image-list.js';
import { tempDir } from './testing/internal/helpers.js';
import { greyJpeg, jpegBytes } from './testing/internal/writers.js';

const tmp = tempDir();
afterAll(tmp.remove);
const folder = join(tmp.dir, 'images');
const items: ImageItem[] = [];
const classNames = ['a', 'b', 'c'];

/** An RGBA PNG with a gradient (resizing it mixes neighbouring pixels, dropping alpha matters). */
function gradientPng(width: number, height: number, seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 4);
  for (let k = 0; k < raw.length; k++) raw[k] = (k * 7 + seed * 31) % 256;
  return sharp(raw, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

beforeAll(async () => {
  mkdirSync(folder, { recursive: true });
  // Mixed formats and sizes, so that resizing, crops and channel handling all take part.
  const files: [string, Buffer, number, ImageItem['crop']?][] = [
    ['0.jpg', await jpegBytes(40, 30, (x, y) => [x * 6, y * 8, (x + y) * 3]), 0],
    ['1.png', await gradientPng(17, 23, 1), 2],
    ['2.jpg', await greyJpeg(20, 20, 90), 1],
    ['3.png', await gradientPng(64, 48, 2), 0, { left: 3, top: 5, width: 30, height: 20 }],
    ['4.jpg', await jpegBytes(16, 16, (x) => [255 - x * 9, 40, x * 15]), 1],
  ];
  for (const [name, bytes, label, crop] of files) {
    writeFileSync(join(folder, name), bytes);
    items.push({ file: join(folder, name), label, ...(crop ? { crop } : {}) });
  }
});

describe('streamImageList', () => {
  it('writes the image cache that writing the in-memory set gives, byte for byte', async () => {
    for (const channels of [3, 1] as const) {
      const options = { width: 12, height: 10, channels, cacheDir: false as const };
      const { set } = await loadImageList('mixed', folder, items, classNames, options);
      const fromMemory = join(tmp.dir, `memory-${channels}.fic`);
      const streamed = join(tmp.dir, `streamed-${channels}.fic`);
      writeImageCache(fromMemory, set);
      await streamImageList('mixed', items, classNames, options, streamed);
      const bytes = readFileSync(streamed);
      expect(bytes.length).toBe(readFileSync(fromMemory).length);
      expect(bytes.equals(readFileSync(fromMemory))).toBe(true);
    }
  });

  it('names a corrupt image and leaves no cache file behind', async () => {
    const dir = join(tmp.dir, 'corrupt');
    mkdirSync(dir);
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, (await gradientPng(8, 8, 3)).subarray(0, 40));
    const path = join(dir, 'out.fic');
    await expect(
      streamImageList('mixed', [items[0], { file: broken, label: 1 }], classNames, { width: 8, height: 8 }, path),
    ).rejects.toThrow(/corrupt\/broken\.png/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual(['broken.png']);
  });

  it('checks the decoding options before creating anything', async () => {
    const path = join(tmp.dir, 'never.fic');
    await expect(streamImageList('mixed', items, classNames, { width: 0, height: 8 }, path)).rejects.toThrow(
      /mixed: width must be an integer in \[1, 4096\], got 0/,
    );
    expect(existsSync(path)).toBe(false);
  });
});
