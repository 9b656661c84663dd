import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CacheStatus } from '../cache.js';
import { DatasetError } from '../errors.js';
import { columnIndex, readCsv } from '../formats/csv.js';
import { type ImageItem, loadImageList } from '../image-list.js';
import type { ImageSet } from '../image-set.js';
import { requireDir } from './files.js';

/** GTSRB has 43 classes; they are named by their ids. */
export const GTSRB_CLASS_COUNT = 43;

/**
 * Options of `loadGtsrb`. `cacheDir` (default: `defaultCacheDir()`; false decodes every time) and
 * `concurrency` (images decoded at once, default 4) work as for every folder-based loader.
 */
export interface GtsrbOptions {
  /** Output side (default 32). */
  size?: number;
  /** A second folder in the same format for the test set (e.g. Final_Test/Images with GT-final_test.csv). */
  testDir?: string;
  /** Crop each image to its region of interest before resizing (default true). */
  crop?: boolean;
  cacheDir?: string | false;
  concurrency?: number;
}

/**
 * GTSRB (German Traffic Sign Recognition Benchmark): a folder whose class subfolders (00000 …
 * 00042) each hold PPM images and a `GT-<class>.csv` (`Filename;Width;Height;Roi.X1;Roi.Y1;
 * Roi.X2;Roi.Y2;ClassId`, ';'-separated), or a flat folder with one such CSV (the test set).
 * Each image is cropped to its region of interest (corners inclusive) and resized. Rows
 * without a ClassId column get label −1.
 */
export async function loadGtsrb(
  dir: string,
  options: GtsrbOptions = {},
): Promise<{ train: ImageSet; test?: ImageSet; cache: CacheStatus }> {
  const { size = 32, crop = true } = options;
  const classNames = gtsrbClassNames();
  const decode = {
    width: size,
    height: size,
    channels: 3 as const,
    cacheDir: options.cacheDir,
    concurrency: options.concurrency,
  };
  const train = await loadImageList('gtsrb-train', dir, await gtsrbItems(dir, crop), classNames, decode);
  if (!options.testDir) return { train: train.set, cache: train.cache };
  const test = await loadImageList(
    'gtsrb-test',
    options.testDir,
    await gtsrbItems(options.testDir, crop),
    classNames,
    decode,
  );
  return {
    train: train.set,
    test: test.set,
    cache: train.cache === 'hit' && test.cache === 'hit' ? 'hit' : train.cache === 'off' ? 'off' : 'miss',
  };
}

/** The GT-*.csv files in `dir` and in its immediate subfolders, sorted. */
async function findCsvs(dir: string): Promise<string[]> {
  requireDir(dir, 'GTSRB class folders or a GT-*.csv');
  const found: string[] = [];
  const isCsv = (name: string): boolean => /^GT-.*\.csv$/i.test(name);
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && isCsv(entry.name)) found.push(join(dir, entry.name));
    if (entry.isDirectory()) {
      for (const inner of (await readdir(join(dir, entry.name))).sort())
        if (isCsv(inner)) found.push(join(dir, entry.name, inner));
    }
  }
  if (found.length === 0)
    throw new DatasetError(dir, 'no GT-*.csv annotation file', {
      expected: 'GT-<class>.csv in each class folder, or one GT-*.csv',
      found: 'none',
    });
  return found;
}

/**
 * The images of a GTSRB folder (laid out as `loadGtsrb` describes) with their labels and regions
 * of interest, without decoding any: the items `loadGtsrb` decodes, in its order (CSV files
 * sorted, rows in file order). `streamImageList` writes them to an image cache one at a time.
 */
export async function listGtsrb(
  dir: string,
  options: Pick<GtsrbOptions, 'crop'> = {},
): Promise<{ items: ImageItem[]; classNames: string[] }> {
  return { items: await gtsrbItems(dir, options.crop ?? true), classNames: gtsrbClassNames() };
}

function gtsrbClassNames(): string[] {
  return Array.from({ length: GTSRB_CLASS_COUNT }, (_, i) => String(i));
}

async function gtsrbItems(dir: string, crop: boolean): Promise<ImageItem[]> {
  const items: ImageItem[] = [];
  for (const csv of await findCsvs(dir)) {
    let col: Record<string, number> | null = null;
    for await (const row of readCsv(csv, { delimiter: ';' })) {
      if (!col) {
        col = columnIndex(
          row,
          csv,
          ['Filename', 'Width', 'Height', 'Roi.X1', 'Roi.Y1', 'Roi.X2', 'Roi.Y2'],
          ['ClassId'],
        );
        continue;
      }
      const int = (name: string, max: number): number => {
        const text = row.fields[col![name]].trim();
        const v = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
        if (!(v <= max))
          throw new DatasetError(csv, `bad ${name}`, {
            line: row.line,
            expected: `an integer 0..${max}`,
            found: JSON.stringify(text),
          });
        return v;
      };
      const width = int('Width', 100_000);
      const height = int('Height', 100_000);
      const [x1, y1, x2, y2] = [
        int('Roi.X1', width - 1),
        int('Roi.Y1', height - 1),
        int('Roi.X2', width - 1),
        int('Roi.Y2', height - 1),
      ];
      if (x2 < x1 || y2 < y1)
        throw new DatasetError(csv, 'empty region of interest', {
          line: row.line,
          expected: 'X1 <= X2 and Y1 <= Y2',
          found: `(${x1}, ${y1})–(${x2}, ${y2})`,
        });
      const label = col.ClassId >= 0 ? int('ClassId', GTSRB_CLASS_COUNT - 1) : -1;
      const file = row.fields[col.Filename].trim();
      if (file.length === 0 || file.includes('/') || file.includes('\\')) {
        throw new DatasetError(csv, 'bad file name', {
          line: row.line,
          expected: 'a file name in the CSV folder',
          found: JSON.stringify(file),
        });
      }
      const item: ImageItem = { file: join(dirname(csv), file), label };
      if (crop) item.crop = { left: x1, top: y1, width: x2 - x1 + 1, height: y2 - y1 + 1 };
      items.push(item);
    }
  }
  return items;
}
