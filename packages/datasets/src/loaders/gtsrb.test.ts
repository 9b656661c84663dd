import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { tempDir } from '../testing/internal/helpers.js';
import { ppmBytes } from '../testing/internal/writers.js';
import { listGtsrb, loadGtsrb } from './gtsrb.js';

const tmp = tempDir();
afterAll(tmp.remove);
const cacheDir = join(tmp.dir, 'cache');
const header = 'Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId';

/** A w×h blue image with a sign of colour `rgb` filling the region (x1, y1)–(x2, y2) inclusive. */
function sign(w: number, h: number, roi: [number, number, number, number], rgb: [number, number, number]): Buffer {
  const px: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++)
      px.push(...(x >= roi[0] && x <= roi[2] && y >= roi[1] && y <= roi[3] ? rgb : [0, 0, 255]));
  }
  return ppmBytes(w, h, px);
}

const trainDir = join(tmp.dir, 'Final_Training', 'Images');
const testDir = join(tmp.dir, 'Final_Test', 'Images');

beforeAll(() => {
  for (const [c, rgb] of [
    [0, [255, 0, 0]],
    [14, [0, 255, 0]],
  ] as [number, [number, number, number]][]) {
    const dir = join(trainDir, String(c).padStart(5, '0'));
    mkdirSync(dir, { recursive: true });
    const rows = [header];
    for (let i = 0; i < 2; i++) {
      const name = `00000_0000${i}.ppm`;
      const [w, h] = [30 + i * 4, 32];
      const roi: [number, number, number, number] = [5, 5, w - 6, h - 6];
      writeFileSync(join(dir, name), sign(w, h, roi, rgb));
      rows.push(`${name};${w};${h};${roi.join(';')};${c}`);
    }
    writeFileSync(join(dir, `GT-${String(c).padStart(5, '0')}.csv`), `${rows.join('\n')}\n`);
  }
  mkdirSync(testDir, { recursive: true });
  writeFileSync(join(testDir, '00000.ppm'), sign(40, 40, [10, 10, 29, 29], [0, 255, 0]));
  writeFileSync(join(testDir, 'GT-final_test.csv'), `${header}\n00000.ppm;40;40;10;10;29;29;14\n`);
});

describe('loadGtsrb', () => {
  it('crops every PPM to its region of interest and resizes it; class folders and a flat test folder', async () => {
    const { train, test, cache } = await loadGtsrb(trainDir, { testDir, cacheDir });
    expect(cache).toBe('miss');
    expect(train.shape).toEqual([4, 3, 32, 32]);
    expect(Array.from(train.labels)).toEqual([0, 0, 14, 14]);
    expect(train.classNames.length).toBe(43);
    expect(test!.shape).toEqual([1, 3, 32, 32]);
    expect(Array.from(test!.labels)).toEqual([14]);
    // After the crop only the sign is left: no blue background anywhere.
    for (let i = 0; i < 4; i++) {
      const blue = train.images.subarray(i * 3072 + 2048, i * 3072 + 3072);
      expect(Math.max(...blue)).toBeLessThan(10);
    }
    const uncropped = await loadGtsrb(trainDir, { cacheDir, crop: false, size: 16 });
    expect(Math.max(...uncropped.train.images.subarray(512, 768))).toBe(255);
    expect((await loadGtsrb(trainDir, { testDir, cacheDir })).cache).toBe('hit');
  });

  it('lists the images it decodes, with labels and regions, without decoding any', async () => {
    const { items, classNames } = await listGtsrb(trainDir);
    expect(classNames).toHaveLength(43);
    expect(items.map((it) => it.label)).toEqual([0, 0, 14, 14]);
    expect(items.every((it) => it.crop !== undefined && it.file.startsWith(trainDir))).toBe(true);
    expect((await listGtsrb(trainDir, { crop: false })).items.some((it) => it.crop)).toBe(false);
  });

  it('labels rows of a CSV without ClassId as -1', async () => {
    const dir = join(tmp.dir, 'unlabelled');
    mkdirSync(dir);
    writeFileSync(join(dir, '00000.ppm'), sign(20, 20, [2, 2, 17, 17], [9, 9, 9]));
    writeFileSync(
      join(dir, 'GT-final_test.test.csv'),
      'Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2\n00000.ppm;20;20;2;2;17;17\n',
    );
    expect(Array.from((await loadGtsrb(dir, { cacheDir: false })).train.labels)).toEqual([-1]);
  });

  it('names the file and line for a bad region of interest or class, and the file for a bad PPM', async () => {
    const dir = join(tmp.dir, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.ppm'), sign(20, 20, [2, 2, 17, 17], [9, 9, 9]));
    const csv = join(dir, 'GT-bad.csv');
    writeFileSync(csv, `${header}\na.ppm;20;20;2;2;25;17;1\n`);
    await expect(loadGtsrb(dir, { cacheDir: false })).rejects.toThrow(
      `${csv}:2: bad Roi.X2 (expected an integer 0..19, found "25")`,
    );
    writeFileSync(csv, `${header}\na.ppm;20;20;12;2;5;17;1\n`);
    await expect(loadGtsrb(dir, { cacheDir: false })).rejects.toThrow(/GT-bad.csv:2: empty region of interest/);
    writeFileSync(csv, `${header}\na.ppm;20;20;2;2;17;17;43\n`);
    await expect(loadGtsrb(dir, { cacheDir: false })).rejects.toThrow(
      /GT-bad.csv:2: bad ClassId \(expected an integer 0..42, found "43"\)/,
    );
    writeFileSync(csv, `${header}\na.ppm;40;40;2;2;30;30;1\n`);
    await expect(loadGtsrb(dir, { cacheDir: false })).rejects.toThrow(
      /a.ppm: region of interest is outside the image \(expected inside 20×20/,
    );
    writeFileSync(join(dir, 'a.ppm'), Buffer.from('P6\n20 20\n255\n\x01\x02'));
    writeFileSync(csv, `${header}\na.ppm;20;20;2;2;17;17;1\n`);
    const e = (await loadGtsrb(dir, { cacheDir: false }).catch((error: unknown) => error)) as DatasetError;
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.file).toBe(join(dir, 'a.ppm'));
    expect(e.message).toMatch(/pixel data is truncated \(20×20, maxval 255\) \(expected 1200 bytes, found 2\)/);
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    await expect(loadGtsrb(empty)).rejects.toThrow(/empty: no GT-\*.csv annotation file/);
  });
});
