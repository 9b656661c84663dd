import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError, ImageCacheFile, type ImageSet, writeImageCache } from '@funt/datasets';
import { UsageError } from '../errors.js';
import { writeJson } from '../run/run-folder.js';
import { DATASETS, type DataOptions, type InMemoryData, type PreparedData } from './prepare.js';

/**
 * A prepared data set kept on disk (`train --data-cache <dir>`): each split an image cache file
 * of @funt/datasets (uint8 pixels, read by row), beside `data.json` with what `prepareData`
 * derived (statistics, input shape, classes) and the data options it was built with. Training
 * reads the training rows from disk; validation and test are read into memory.
 */
export const DATA_CACHE_FILES = { meta: 'data.json', train: 'train.fic', val: 'val.fic', test: 'test.fic' } as const;

/** The data options a cache records: reusing it with others would train on something else. */
const RECORDED = ['dataset', 'trainSize', 'valSize', 'testSize', 'maxPerClass', 'splitBy'] as const;

interface DataCacheMeta {
  format: 1;
  options: Partial<Record<(typeof RECORDED)[number], unknown>>;
  testSplit: PreparedData['testSplit'];
  classNames: string[];
  inputShape: [number, number, number];
  standardization: { mean: number[]; std: number[]; scale: number };
  flipByDefault: boolean;
  pad: number;
  description: string;
}

/** Whether `dir` holds a data cache (its data.json). */
export function hasDataCache(dir: string): boolean {
  return existsSync(join(dir, DATA_CACHE_FILES.meta));
}

/** The options given that differ from those a cache was built with, as "--flag was x, now y". */
function differences(recorded: DataCacheMeta['options'], o: Partial<DataOptions>): string[] {
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return RECORDED.filter((k) => (recorded[k] ?? null) !== (o[k] ?? null)).map(
    (k) => `${k === 'splitBy' ? '--split' : flag(k)} was ${recorded[k] ?? 'not given'}, now ${o[k] ?? 'not given'}`,
  );
}

/** Writes a prepared data set as a data cache in `dir` (made if missing): the three splits, then data.json. */
export function writeDataCache(dir: string, data: InMemoryData, o: Partial<DataOptions>): void {
  mkdirSync(dir, { recursive: true });
  const splits: [keyof typeof DATA_CACHE_FILES, ImageSet][] = [
    ['train', data.train],
    ['val', data.val],
    ['test', data.test],
  ];
  for (const [name, set] of splits) writeImageCache(join(dir, DATA_CACHE_FILES[name]), set);
  writeDataCacheMeta(dir, data, o);
}

/**
 * Writes `data.json` of a data cache whose split files are in `dir`: what was derived from the
 * data (statistics, shape, classes) and the options `o`. Written last (atomically): a folder
 * holds a cache once data.json is there.
 */
export function writeDataCacheMeta(
  dir: string,
  data: Omit<PreparedData, 'dataset' | 'train' | 'val' | 'test'>,
  o: Partial<DataOptions>,
): void {
  const s = data.standardization;
  const meta: DataCacheMeta = {
    format: 1,
    options: Object.fromEntries(RECORDED.map((k) => [k, o[k] ?? null])),
    testSplit: data.testSplit,
    classNames: data.classNames,
    inputShape: data.inputShape,
    standardization: { mean: Array.from(s.mean), std: Array.from(s.std), scale: s.scale },
    flipByDefault: data.flipByDefault,
    pad: data.pad ?? 0,
    description: data.description,
  };
  writeJson(join(dir, DATA_CACHE_FILES.meta), meta);
}

function readMeta(path: string): DataCacheMeta {
  let meta: DataCacheMeta;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8')) as DataCacheMeta;
  } catch (cause) {
    throw new DatasetError(
      path,
      `unreadable data cache description: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  const ok =
    meta !== null &&
    typeof meta === 'object' &&
    meta.format === 1 &&
    (DATASETS as readonly unknown[]).includes(meta.options?.dataset) &&
    Array.isArray(meta.classNames) &&
    Array.isArray(meta.inputShape) &&
    meta.inputShape.length === 3 &&
    Array.isArray(meta.standardization?.mean) &&
    Array.isArray(meta.standardization?.std) &&
    typeof meta.standardization?.scale === 'number';
  if (!ok)
    throw new DatasetError(path, 'not a data cache description (format 1: options, classes, input shape, statistics)');
  return meta;
}

/**
 * Opens the data cache in `dir` for the data options `o`: a cache built with other options is
 * refused (it would silently train on another data set). The training split stays on disk
 * (`train` is the open file); validation and test are read into memory.
 */
export function openDataCache(dir: string, o: Partial<DataOptions>): PreparedData {
  if (!statSync(dir).isDirectory()) throw new UsageError(`--data-cache ${dir} is not a folder`);
  const meta = readMeta(join(dir, DATA_CACHE_FILES.meta));
  const changed = differences(meta.options, o);
  if (changed.length) {
    throw new UsageError(
      `--data-cache ${dir} was built with other data options (${changed.join('; ')}): give the same, or another folder`,
    );
  }
  const open = (name: keyof typeof DATA_CACHE_FILES) => ImageCacheFile.open(join(dir, DATA_CACHE_FILES[name]));
  const train = open('train');
  const inMemory = (name: 'val' | 'test') => {
    const file = open(name);
    try {
      return file.toImageSet();
    } finally {
      file.close();
    }
  };
  const val = inMemory('val');
  const test = meta.testSplit === 'val' ? val : inMemory('test');
  for (const [name, split] of [['train', train] as const, ['val', val] as const, ['test', test] as const]) {
    const [, c, h, w] = split.shape;
    if (
      split.classNames.length !== meta.classNames.length ||
      c !== meta.inputShape[0] ||
      h < meta.inputShape[1] ||
      w < meta.inputShape[2]
    ) {
      throw new DatasetError(
        join(dir, DATA_CACHE_FILES[name]),
        `does not match ${DATA_CACHE_FILES.meta} (classes or image shape)`,
      );
    }
  }
  const s = meta.standardization;
  return {
    dataset: meta.options.dataset as PreparedData['dataset'],
    train,
    val,
    test,
    testSplit: meta.testSplit,
    classNames: meta.classNames,
    inputShape: meta.inputShape,
    standardization: { mean: Float32Array.from(s.mean), std: Float32Array.from(s.std), scale: s.scale },
    flipByDefault: meta.flipByDefault,
    pad: meta.pad,
    description: `${meta.description} (from the image cache in ${dir})`,
  };
}
