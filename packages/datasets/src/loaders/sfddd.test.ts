import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { tempDir } from '../testing/internal/helpers.js';
import { solidJpeg } from '../testing/internal/writers.js';
import { listSfddd, loadSfddd, SFDDD_CLASSES } from './sfddd.js';

const tmp = tempDir();
afterAll(tmp.remove);

/** Class c is painted in a colour we can recognise after JPEG and resizing: red = 40·c + 20. */
const colourOf = (c: number): [number, number, number] => [40 * c + 20, 128, 200 - 40 * c];
const drivers = ['p002', 'p012', 'p014', 'p015', 'p016'];

async function writeSfddd(dir: string): Promise<void> {
  const rows = ['subject,classname,img'];
  let k = 0;
  for (const driver of drivers) {
    for (let c = 0; c < 3; c++) {
      for (let j = 0; j < 2; j++) {
        const name = `img_${k++}.jpg`;
        mkdirSync(join(dir, 'imgs', 'train', `c${c}`), { recursive: true });
        // 640×480 like the real photos would be slow to write: 128×96 keeps the aspect.
        writeFileSync(join(dir, 'imgs', 'train', `c${c}`, name), await solidJpeg(128, 96, colourOf(c)));
        rows.push(`${driver},c${c},${name}`);
      }
    }
  }
  writeFileSync(join(dir, 'driver_imgs_list.csv'), `${rows.join('\n')}\n`);
}

const root = join(tmp.dir, 'sfddd');
const cacheDir = join(tmp.dir, 'cache');

beforeAll(async () => {
  await writeSfddd(root);
});

describe('loadSfddd', () => {
  it('decodes and resizes every listed photo to 64×48, labels by class folder, groups by driver', async () => {
    const { train, val, cache } = await loadSfddd(root, { cacheDir, valFraction: 0.2 });
    expect(cache).toBe('miss');
    expect(train.shape.slice(1)).toEqual([3, 48, 64]);
    expect(train.shape[0] + val.shape[0]).toBe(30);
    expect(train.classNames).toEqual(SFDDD_CLASSES);
    for (const set of [train, val]) {
      for (let i = 0; i < set.shape[0]; i++) {
        const [r, g, b] = colourOf(set.labels[i]);
        const at = (ch: number): number => set.images[i * 3 * 48 * 64 + ch * 48 * 64 + 24 * 64 + 32];
        expect(Math.abs(at(0) - r)).toBeLessThanOrEqual(8);
        expect(Math.abs(at(1) - g)).toBeLessThanOrEqual(8);
        expect(Math.abs(at(2) - b)).toBeLessThanOrEqual(8);
      }
    }
  });

  it('lists the photos with labels and drivers, without decoding any', async () => {
    const { items, classNames } = await listSfddd(root);
    expect(classNames).toEqual(SFDDD_CLASSES);
    expect(items).toHaveLength(30);
    expect(items.every((it) => it.group !== undefined && it.file.startsWith(root))).toBe(true);
    expect(new Set(items.map((it) => it.label)).size).toBeGreaterThan(1);
  });

  it('splits by driver: no driver on both sides, for any seed and fraction (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.double({ min: 0.05, max: 0.9, noNaN: true }), async (seed, valFraction) => {
        const { train, val } = await loadSfddd(root, { cacheDir, seed, valFraction });
        const trainDrivers = new Set(train.groups);
        expect(val.groups!.some((d) => trainDrivers.has(d))).toBe(false);
        expect(val.shape[0]).toBeGreaterThan(0);
        expect(train.shape[0]).toBeGreaterThan(0);
      }),
      { numRuns: 15 },
    );
  });

  it("the random split (the seed's) is available and mixes drivers", async () => {
    const { train, val } = await loadSfddd(root, { cacheDir, split: 'random', valFraction: 0.5, seed: 3 });
    expect(val.shape[0]).toBe(15);
    const trainDrivers = new Set(train.groups);
    expect(val.groups!.some((d) => trainDrivers.has(d))).toBe(true);
  });

  it('caches decoded images on disk and invalidates the cache when the source or options change', async () => {
    const dir = join(tmp.dir, 'sfddd-cache');
    await writeSfddd(dir);
    const cache = join(tmp.dir, 'cache-2');
    const first = await loadSfddd(dir, { cacheDir: cache, valFraction: 0 });
    const second = await loadSfddd(dir, { cacheDir: cache, valFraction: 0 });
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(Buffer.from(second.train.images).equals(Buffer.from(first.train.images))).toBe(true);
    expect(second.train.groups).toEqual(first.train.groups);
    // Repaint one c0 photo white and give it a new modification time.
    const file = join(dir, 'imgs', 'train', 'c0', 'img_0.jpg');
    writeFileSync(file, await solidJpeg(128, 96, [255, 255, 255]));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const third = await loadSfddd(dir, { cacheDir: cache, valFraction: 0 });
    expect(third.cache).toBe('miss');
    expect(third.train.images[24 * 64 + 32]).toBeGreaterThan(240);
    expect((await loadSfddd(dir, { cacheDir: cache, valFraction: 0, width: 32, height: 24 })).cache).toBe('miss');
    // Each size keeps its own entry.
    expect((await loadSfddd(dir, { cacheDir: cache, valFraction: 0 })).cache).toBe('hit');
    expect((await loadSfddd(dir, { cacheDir: false })).cache).toBe('off');
  });

  it('names the file for a missing folder, a bad CSV row, a missing photo and a photo that does not decode', async () => {
    await expect(loadSfddd(join(tmp.dir, 'nowhere'), { cacheDir })).rejects.toThrow(/nowhere: folder not found/);
    const dir = join(tmp.dir, 'broken');
    await writeSfddd(dir);
    const csv = join(dir, 'driver_imgs_list.csv');
    writeFileSync(csv, 'subject,classname,img\np002,c0,img_0.jpg\np002,c12,img_1.jpg\n');
    await expect(loadSfddd(dir, { cacheDir })).rejects.toThrow(
      `${csv}:3: unknown class (expected c0 … c9, found "c12")`,
    );
    writeFileSync(csv, 'subject,classname,img\np002,c0,img_0.jpg,extra\n');
    await expect(loadSfddd(dir, { cacheDir })).rejects.toThrow(
      /driver_imgs_list.csv:2: row has the wrong number of columns \(expected 3, found 4\)/,
    );
    writeFileSync(csv, 'subject,classname,img\np002,c0,missing.jpg\n');
    await expect(loadSfddd(dir, { cacheDir })).rejects.toThrow(/c0\/missing.jpg: image file not found/);
    writeFileSync(join(dir, 'imgs', 'train', 'c0', 'bad.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 1, 2, 3]));
    writeFileSync(csv, 'subject,classname,img\np002,c0,img_0.jpg\np002,c0,bad.jpg\n');
    const e = (await loadSfddd(dir, { cacheDir }).catch((error: unknown) => error)) as DatasetError;
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.file).toBe(join(dir, 'imgs', 'train', 'c0', 'bad.jpg'));
    expect(e.message).toMatch(/image does not decode/);
    writeFileSync(csv, 'driver,classname,img\n');
    await expect(loadSfddd(dir, { cacheDir })).rejects.toThrow(
      /driver_imgs_list.csv:1: header has no column "subject"/,
    );
  });
});
