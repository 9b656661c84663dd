import { join } from 'node:path';
import type { CacheStatus } from '../cache.js';
import { DatasetError } from '../errors.js';
import { columnIndex, readCsv } from '../formats/csv.js';
import { type ImageItem, loadImageList } from '../image-list.js';
import type { ImageSet } from '../image-set.js';
import { trainValSplit } from '../preprocess/split.js';
import { findFile, requireDir } from './files.js';

/** The ten classes of State Farm Distracted Driver Detection, c0 … c9. */
export const SFDDD_CLASSES = [
  'safe driving',
  'texting - right',
  'talking on the phone - right',
  'texting - left',
  'talking on the phone - left',
  'operating the radio',
  'drinking',
  'reaching behind',
  'hair and makeup',
  'talking to passenger',
];

/**
 * Options of `loadSfddd`: the output size, the train/validation split, and the decoded-image cache
 * (`cacheDir`; `concurrency`, images decoded at once, default 4).
 */
export interface SfdddOptions {
  /** Output size (default 64×48, as the seed: the 640×480 photos shrunk ten times). */
  width?: number;
  height?: number;
  channels?: 1 | 3;
  /** 'driver' (default): no driver on both sides. 'random': the seed's split, which leaks drivers. */
  split?: 'driver' | 'random';
  /** Share of the images for validation (default 0.2). */
  valFraction?: number;
  /** Seed of the split (default 0). */
  seed?: number;
  /** Cache directory for the decoded images, or false (default: `defaultCacheDir()`). */
  cacheDir?: string | false;
  concurrency?: number;
}

/**
 * SFDDD: `driver_imgs_list.csv` (subject,classname,img) and `imgs/train/c0…c9/*.jpg` under
 * `dir` (`train/` directly under `dir` also works). Every listed photo is decoded and resized
 * with sharp (uint8, C×height×width), its driver kept as the image's group, and the set split
 * into train and validation. Decoding is cached on disk; the split is made after the cache, so
 * changing it costs nothing.
 */
export async function loadSfddd(
  dir: string,
  options: SfdddOptions = {},
): Promise<{ train: ImageSet; val: ImageSet; cache: CacheStatus }> {
  const { width = 64, height = 48, channels = 3, split = 'driver', valFraction = 0.2, seed = 0 } = options;
  if (split !== 'driver' && split !== 'random')
    throw new RangeError(`loadSfddd: split must be 'driver' or 'random', got '${String(split)}'`);
  const { items } = await listSfddd(dir);
  const { set, cache } = await loadImageList('sfddd', dir, items, SFDDD_CLASSES, {
    width,
    height,
    channels,
    cacheDir: options.cacheDir,
    concurrency: options.concurrency,
  });
  const { train, val } = trainValSplit(set, { valFraction, seed, by: split === 'driver' ? 'group' : 'random' });
  return { train, val, cache };
}

/**
 * The photos of SFDDD in `dir` (laid out as `loadSfddd` describes) with their labels and drivers
 * (`group`), in the order of driver_imgs_list.csv, without decoding any: the items `loadSfddd`
 * decodes before its split (`trainValRows` makes the same split on them).
 */
export async function listSfddd(dir: string): Promise<{ items: ImageItem[]; classNames: string[] }> {
  requireDir(dir, 'driver_imgs_list.csv and imgs/train/c0…c9');
  const csvFile = findFile([dir], ['driver_imgs_list.csv']);
  const imagesDir = findFile([join(dir, 'imgs'), dir], ['train']);
  requireDir(imagesDir, 'the class folders c0…c9');
  const items: ImageItem[] = [];
  let index: Record<string, number> | null = null;
  for await (const row of readCsv(csvFile)) {
    if (!index) {
      index = columnIndex(row, csvFile, ['subject', 'classname', 'img']);
      continue;
    }
    const subject = row.fields[index.subject].trim();
    const classname = row.fields[index.classname].trim();
    const img = row.fields[index.img].trim();
    const label = /^c\d$/.test(classname) ? Number(classname.slice(1)) : -1;
    if (label < 0)
      throw new DatasetError(csvFile, 'unknown class', {
        line: row.line,
        expected: 'c0 … c9',
        found: JSON.stringify(classname),
      });
    if (subject.length === 0 || img.length === 0 || img.includes('/') || img.includes('\\')) {
      throw new DatasetError(csvFile, 'empty subject or bad image name', {
        line: row.line,
        expected: 'subject,classname,img',
        found: row.fields.join(','),
      });
    }
    items.push({ file: join(imagesDir, classname, img), label, group: subject });
  }
  if (items.length === 0)
    throw new DatasetError(csvFile, 'lists no images', { expected: 'subject,classname,img rows', found: 'none' });
  return { items, classNames: [...SFDDD_CLASSES] };
}
