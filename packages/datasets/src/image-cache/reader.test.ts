import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { imageSet } from '../image-set.js';
import { tempDir } from '../testing/internal/helpers.js';
import { ImageCacheFile } from './reader.js';
import { openImageCacheSource } from './source.js';
import { ImageCacheWriter, writeImageCache } from './writer.js';

const temp = tempDir('funt-image-cache-');
afterAll(() => temp.remove());
afterEach(() => {
  for (const f of readdirSync(temp.dir)) rmSync(join(temp.dir, f), { recursive: true, force: true });
});

/** 5 images of 2×3×2, pixel values from their index, labels 0..2 and one unlabelled. */
function smallSet() {
  const images = Uint8Array.from({ length: 5 * 12 }, (_, i) => (i * 13) % 256);
  return imageSet(images, [5, 2, 3, 2], Int32Array.from([2, 0, 1, -1, 2]), ['a', 'b', 'c']);
}

describe('image cache files', () => {
  it('round-trips a set: shape, classes, labels, each image by positioned reads, any rows as an ImageSet', () => {
    const set = smallSet();
    const path = join(temp.dir, 'train.fic');
    writeImageCache(path, set);
    const file = ImageCacheFile.open(path);
    expect(file.shape).toEqual([5, 2, 3, 2]);
    expect(file.classNames).toEqual(['a', 'b', 'c']);
    expect(Array.from(file.labels)).toEqual([2, 0, 1, -1, 2]);
    const row = new Uint8Array(14);
    file.readImage(3, row, 2);
    expect(Array.from(row.subarray(2))).toEqual(Array.from(set.images.subarray(36, 48)));
    const some = file.toImageSet([4, 1]);
    expect(some.shape).toEqual([2, 2, 3, 2]);
    expect(Array.from(some.labels)).toEqual([2, 0]);
    expect(Array.from(some.images)).toEqual([...set.images.subarray(48, 60), ...set.images.subarray(12, 24)]);
    expect(Array.from(file.toImageSet().images)).toEqual(Array.from(set.images));
    expect(() => file.readImage(5, row)).toThrow(/train\.fic: image 5 out of range for 5 images/);
    file.close();
    expect(() => file.readImage(0, row)).toThrow(/train\.fic: read after close/);
  });

  it('gives the raw pixels as floats, the values an in-memory set has', () => {
    const set = smallSet();
    const path = join(temp.dir, 'x.fic');
    writeImageCache(path, set);
    const source = openImageCacheSource(path);
    expect(source.shape).toEqual([5, 2, 3, 2]);
    const dst = new Float32Array(13).fill(-1);
    source.readRow(2, dst, 1);
    expect(dst[0]).toBe(-1);
    expect(Array.from(dst.subarray(1))).toEqual(Array.from(set.images.subarray(24, 36)));
    expect(source.recipe.exportName).toBe('openImageCacheSource');
    expect(source.recipe.args).toEqual([path]);
    source.file.close();
  });

  it('writes under a temporary name: nothing at the path until close, nothing left after abort', () => {
    const path = join(temp.dir, 'w.fic');
    const w = new ImageCacheWriter(path, { count: 2, channels: 1, height: 1, width: 3, classNames: ['x'] });
    w.append(Uint8Array.from([1, 2, 3]), 0);
    expect(existsSync(path)).toBe(false);
    expect(() => w.append(Uint8Array.from([1, 2]), 0)).toThrow(/w\.fic: an image has 2 pixels, expected 3/);
    expect(() => w.append(Uint8Array.from([1, 2, 3]), 1)).toThrow(/w\.fic: label 1 of image 1 is not -1\.\.0/);
    expect(() => w.close()).toThrow(/w\.fic: 1 of the 2 declared images appended/);
    expect(readdirSync(temp.dir)).toEqual([]);
    const ok = new ImageCacheWriter(path, { count: 1, channels: 1, height: 1, width: 3, classNames: ['x'] });
    ok.append(Uint8Array.from([4, 5, 6]), 0);
    ok.close();
    expect(readdirSync(temp.dir)).toEqual(['w.fic']);
    expect(Array.from(ImageCacheFile.open(path).toImageSet().images)).toEqual([4, 5, 6]);
  });

  it('writes sets larger than one chunk of its buffer', () => {
    const n = 300;
    const images = Uint8Array.from({ length: n * 3 * 64 * 64 }, (_, i) => (i * 31 + (i >> 12)) % 251);
    const set = imageSet(images, [n, 3, 64, 64], new Int32Array(n), ['only']);
    const path = join(temp.dir, 'big.fic');
    writeImageCache(path, set);
    const file = ImageCacheFile.open(path);
    expect(Buffer.compare(Buffer.from(file.toImageSet().images), Buffer.from(images))).toBe(0);
    const row = new Uint8Array(3 * 64 * 64);
    file.readImage(257, row);
    expect(Buffer.compare(Buffer.from(row), Buffer.from(images.subarray(257 * row.length, 258 * row.length)))).toBe(0);
    file.close();
  });

  it('refuses missing, truncated and corrupt files and folders with a DatasetError naming the file', () => {
    const path = join(temp.dir, 'bad.fic');
    expect(() => ImageCacheFile.open(path)).toThrow(DatasetError);
    expect(() => ImageCacheFile.open(path)).toThrow(/bad\.fic: cannot open the image cache: ENOENT/);
    writeImageCache(path, smallSet());
    truncateSync(path, readFileSync(path).length - 1);
    expect(() => ImageCacheFile.open(path)).toThrow(/bad\.fic \(byte \d+\): truncated image cache/);
    writeFileSync(path, 'not a cache at all, just some text');
    expect(() => ImageCacheFile.open(path)).toThrow(/bad\.fic \(byte 0\): not a funt image cache/);
    expect(() => ImageCacheFile.open(temp.dir)).toThrow(/not a regular file|EISDIR/);
    const fifo = join(temp.dir, 'fifo.fic');
    execFileSync('mkfifo', [fifo]);
    // Opening a FIFO for reading would wait for a writer: refused before it is opened.
    expect(() => ImageCacheFile.open(fifo)).toThrow(/fifo\.fic: not a regular file/);
  });
});
