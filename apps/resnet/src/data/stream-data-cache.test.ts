import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../commands/train.js';
import { trainOptions } from '../training/recipes.js';
import { DATA_CACHE_FILES, writeDataCache } from './data-cache.js';
import { type DataOptions, loadData } from './load.js';
import { streamDataCache } from './stream-data-cache.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-stream-cache-'));
const root = join(tmp, 'tiny-imagenet-200');
const wnids = ['n01', 'n02', 'n03'];

/** A binary PPM (the loader decodes by magic, whatever the name) with varied pixels. */
function ppm(width: number, height: number, seed: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let k = 0; k < pixels.length; k++) pixels[k] = (k * (seed + 3) + seed * 37) % 251;
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), pixels]);
}

/**
 * A tiny Tiny-ImageNet: 3 classes of 4 training photos and 4 validation photos, some not 64×64
 * (resized on load), so that decoding, resizing and the statistics all take part.
 */
beforeAll(() => {
  process.env.FUNT_CACHE_DIR = join(tmp, 'loader-cache');
  mkdirSync(join(root, 'val', 'images'), { recursive: true });
  writeFileSync(join(root, 'wnids.txt'), `${wnids.join('\n')}\n`);
  const annotations: string[] = [];
  for (const [c, wnid] of wnids.entries()) {
    const dir = join(root, 'train', wnid, 'images');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 4; i++) {
      writeFileSync(join(dir, `${wnid}_${i}.JPEG`), i === 1 ? ppm(50, 70, 10 * c + i) : ppm(64, 64, 10 * c + i));
    }
    annotations.push(`val_${c}.JPEG\t${wnids[(c + 1) % 3]}\t0\t0\t1\t1`);
    writeFileSync(join(root, 'val', 'images', `val_${c}.JPEG`), ppm(64, 64, 100 + c));
  }
  annotations.push(`val_3.JPEG\t${wnids[0]}`);
  writeFileSync(join(root, 'val', 'images', 'val_3.JPEG'), ppm(80, 48, 200));
  writeFileSync(join(root, 'val', 'val_annotations.txt'), `${annotations.join('\n')}\n`);
});
afterAll(() => {
  delete process.env.FUNT_CACHE_DIR;
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * A tiny GTSRB: 3 class folders (00000, 00001, 00014) of 6 signs each with a region of interest,
 * and their GT-*.csv files.
 */
const gtsrb = join(tmp, 'gtsrb');
beforeAll(() => {
  const header = 'Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId';
  for (const c of [0, 1, 14]) {
    const dir = join(gtsrb, String(c).padStart(5, '0'));
    mkdirSync(dir, { recursive: true });
    const rows = [header];
    for (let i = 0; i < 6; i++) {
      const [w, h] = [30 + 3 * i, 28 + 2 * c];
      writeFileSync(join(dir, `${i}.ppm`), ppm(w, h, 7 * c + i));
      rows.push(`${i}.ppm;${w};${h};${i};2;${w - 3};${h - 1 - i};${c}`);
    }
    writeFileSync(join(dir, `GT-${String(c).padStart(5, '0')}.csv`), `${rows.join('\n')}\n`);
  }
});

/** A tiny SFDDD: 8 drivers × 3 classes × 2 photos of other sizes than 64×48, and the driver list. */
const sfddd = join(tmp, 'sfddd');
beforeAll(() => {
  const rows = ['subject,classname,img'];
  let k = 0;
  for (let d = 0; d < 8; d++)
    for (let c = 0; c < 3; c++) {
      mkdirSync(join(sfddd, 'imgs', 'train', `c${c}`), { recursive: true });
      for (let j = 0; j < 2; j++) {
        const name = `img_${k}.jpg`;
        writeFileSync(join(sfddd, 'imgs', 'train', `c${c}`, name), ppm(40 + 2 * j, 30 + d, k++));
        rows.push(`p0${10 + d},c${c},${name}`);
      }
    }
  writeFileSync(join(sfddd, 'driver_imgs_list.csv'), `${rows.join('\n')}\n`);
});

const options: DataOptions = { dataset: 'tiny-imagenet', dataDir: root, maxPerClass: 3, trainSize: 8, testSize: 4 };

describe('streamDataCache: Tiny-ImageNet, GTSRB and SFDDD decoded image by image into a data cache', () => {
  it('writes the files writeDataCache writes from the in-memory set, byte for byte', async () => {
    const fromMemory = join(tmp, 'memory');
    const streamed = join(tmp, 'streamed');
    writeDataCache(fromMemory, await loadData(options), options);
    const bytes = await streamDataCache(streamed, options);
    // 9 training images (3 a class): 1 held out for validation, the first 8 left; 4 test images.
    expect(bytes).toBe((8 + 1 + 4) * 3 * 64 * 64);
    for (const f of Object.values(DATA_CACHE_FILES)) {
      const a = readFileSync(join(streamed, f));
      expect(a.equals(readFileSync(join(fromMemory, f))), f).toBe(true);
    }
    // The statistics are fitted (not constant): a mean image and one std.
    const meta = JSON.parse(readFileSync(join(streamed, DATA_CACHE_FILES.meta), 'utf8'));
    expect(meta.standardization.mean).toHaveLength(3 * 64 * 64);
    expect(meta.standardization.std[0]).toBeGreaterThan(1);
  });

  it('GTSRB (test and validation held out of the signs, each cropped to its region): the same bytes', async () => {
    const o: DataOptions = { dataset: 'gtsrb', dataDir: gtsrb, maxPerClass: 5 };
    const fromMemory = join(tmp, 'gtsrb-memory');
    const streamed = join(tmp, 'gtsrb-streamed');
    writeDataCache(fromMemory, await loadData(o), o);
    // 15 signs (5 a class): 2 held out for the test, then 1 of the 13 left for validation.
    expect(await streamDataCache(streamed, o)).toBe(15 * 3 * 32 * 32);
    for (const f of Object.values(DATA_CACHE_FILES)) {
      expect(readFileSync(join(streamed, f)).equals(readFileSync(join(fromMemory, f))), f).toBe(true);
    }
    const meta = JSON.parse(readFileSync(join(streamed, DATA_CACHE_FILES.meta), 'utf8'));
    expect(meta.description).toBe('gtsrb: 12 training, 1 validation, 2 test images of 3×32×32, 43 classes');
  });

  it('SFDDD (drivers split three ways, or at random; statistics of the centre crops): the same bytes', async () => {
    for (const o of [
      { dataset: 'sfddd', dataDir: sfddd },
      { dataset: 'sfddd', dataDir: sfddd, splitBy: 'random', valSize: 5, maxPerClass: 9, trainSize: 20 },
    ] satisfies DataOptions[]) {
      const fromMemory = join(tmp, `sfddd-memory-${o.splitBy}`);
      const streamed = join(tmp, `sfddd-streamed-${o.splitBy}`);
      const data = await loadData(o);
      writeDataCache(fromMemory, data, o);
      const n = data.train.shape[0] + data.val.shape[0] + data.test.shape[0];
      expect(await streamDataCache(streamed, o)).toBe(n * 3 * 48 * 64);
      for (const f of Object.values(DATA_CACHE_FILES)) {
        expect(readFileSync(join(streamed, f)).equals(readFileSync(join(fromMemory, f))), f).toBe(true);
      }
    }
  });

  it('checks --train-size and --test-size as loading does, before writing anything', async () => {
    const dir = join(tmp, 'too-many');
    await expect(streamDataCache(dir, { ...options, trainSize: 9 })).rejects.toThrow(
      /--train-size 9 is more than the 8 images available/,
    );
    await expect(streamDataCache(dir, { ...options, valSize: 9 })).rejects.toThrow(
      /--val-size 9: cannot hold out 9 of 9 training images/,
    );
    await expect(streamDataCache(dir, { ...options, testSize: 5 })).rejects.toThrow(
      /--test-size 5 is more than the 4 images available/,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('train --data-cache streams the set and trains to the losses of the in-memory run', async () => {
    const run = async (name: string, dataCache?: string) => {
      const lines: string[] = [];
      const o = trainOptions(
        { ...options, n: 1, filters: 2, epochs: 1, batchSize: 4, lr: 0.05, checkpointEvery: 0 },
        { report: false, progress: 'none', out: join(tmp, name), dataCache },
      );
      const outcome = await train(o, { log: (l) => lines.push(l) });
      const history = JSON.parse(readFileSync(join(outcome.runDir, 'history.json'), 'utf8'));
      return { losses: history.iterations.map((r: { loss: number }) => r.loss), log: lines.join('\n') };
    };
    const inMemory = await run('memory-run');
    const fromStream = await run('stream-run', join(tmp, 'train-cache'));
    expect(fromStream.log).toMatch(/image cache: wrote .*train-cache/);
    expect(fromStream.losses).toHaveLength(2);
    expect(fromStream.losses).toEqual(inMemory.losses);
  });

  it('names a corrupt image and leaves no cache behind', async () => {
    const bad = join(root, 'train', wnids[2], 'images', `${wnids[2]}_0.JPEG`);
    const good = readFileSync(bad);
    writeFileSync(bad, Buffer.from('P6\n64 64\n255\nshort'));
    const dir = join(tmp, 'corrupt');
    try {
      await expect(streamDataCache(dir, options)).rejects.toThrow(/n03\/images\/n03_0\.JPEG/);
    } finally {
      writeFileSync(bad, good);
    }
    expect(existsSync(join(dir, DATA_CACHE_FILES.meta))).toBe(false);
    expect(existsSync(join(dir, DATA_CACHE_FILES.train))).toBe(false);
  });
});
