import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  fitStandardizationOfImages,
  ImageCacheFile,
  type ImageItem,
  listGtsrb,
  listTinyImageNet,
  streamImageList,
} from '@funt/datasets';
import { DATA_CACHE_FILES, writeDataCacheMeta } from './data-cache.js';
import { GTSRB, TINY_IMAGENET } from './load.js';
import {
  checkFirst,
  type DataOptions,
  type DatasetName,
  describeData,
  firstPerClassRows,
  holdOutRows,
} from './prepare.js';

/**
 * The data sets whose `--data-cache` is written without ever holding the data set in memory:
 * their files are listed, then decoded one at a time into the cache.
 */
export const STREAMED_DATASETS: readonly DatasetName[] = ['tiny-imagenet', 'gtsrb'];

/** A data set's files as listed, before any is decoded, with how `loadData` loads them. */
interface Listed {
  train: ImageItem[];
  /** The labelled test split, when the data set has one (else it is held out of `train`). */
  test?: ImageItem[];
  classNames: string[];
  format: { size: number; inputShape: [number, number, number]; flip: boolean };
}

async function list(o: DataOptions): Promise<Listed> {
  const dir = o.dataDir ?? '';
  if (o.dataset === 'tiny-imagenet') {
    const { trainItems, valItems, classNames } = await listTinyImageNet(dir, { maxPerClass: o.maxPerClass });
    // Its val/ is the test split; validation is held out of the training images.
    return { train: trainItems, test: valItems, classNames, format: TINY_IMAGENET };
  }
  if (o.dataset === 'gtsrb') {
    const { items, classNames } = await listGtsrb(dir);
    return { train: items, classNames, format: GTSRB };
  }
  throw new Error(`streamDataCache: --dataset ${o.dataset} is not streamed`);
}

/**
 * The three splits `prepareData` makes, as lists of files: --max-per-class, the test split held
 * out of the training images when the data set has none, validation held out (the same seeded
 * rows as in memory), then the first --train-size and --test-size images.
 */
function splitItems(o: DataOptions, listed: Listed): { train: ImageItem[]; val: ImageItem[]; test: ImageItem[] } {
  const pick = (items: ImageItem[], rows: ArrayLike<number>) => Array.from(rows, (i) => items[i]);
  const perClass = firstPerClassRows(
    listed.train.map((it) => it.label),
    o.maxPerClass,
  );
  let train = perClass ? pick(listed.train, perClass) : listed.train;
  let test = listed.test;
  if (!test) {
    const rows = holdOutRows(train.length, o.testSize, '--test-size', o.dataset);
    test = pick(train, rows.val);
    train = pick(train, rows.train);
  }
  const rows = holdOutRows(train.length, o.valSize, '--val-size', o.dataset);
  const val = pick(train, rows.val);
  train = pick(train, rows.train);
  checkFirst(o.trainSize, train.length, '--train-size');
  checkFirst(o.testSize, test.length, '--test-size');
  return { train: train.slice(0, o.trainSize), val, test: test.slice(0, o.testSize) };
}

/** The standardisation statistics of an image cache file, two passes of one positioned read per image. */
function statisticsOf(path: string) {
  const file = ImageCacheFile.open(path);
  try {
    const row = new Uint8Array(file.imageSize);
    return fitStandardizationOfImages(
      file.shape,
      (i) => {
        file.readImage(i, row);
        return row;
      },
      'image',
    );
  } finally {
    file.close();
  }
}

/**
 * Writes the data cache of a `STREAMED_DATASETS` set in `dir` (made if missing) image by image:
 * memory stays at one decoded image and a write chunk however large the set. The splits are
 * those `prepareData` makes (`splitItems`), so the files are byte for byte those
 * `writeDataCache` writes from the in-memory `loadData` of the same options, and the statistics
 * (a streaming pass over the written training split) the same bits. Returns the bytes of pixels
 * written.
 */
export async function streamDataCache(dir: string, o: DataOptions): Promise<number> {
  const listed = await list(o);
  const splits = splitItems(o, listed);
  const { size, inputShape, flip } = listed.format;
  mkdirSync(dir, { recursive: true });
  const path = (name: keyof typeof DATA_CACHE_FILES) => join(dir, DATA_CACHE_FILES[name]);
  for (const name of ['train', 'val', 'test'] as const) {
    const decode = { width: size, height: size };
    await streamImageList(`${o.dataset}-${name}`, splits[name], listed.classNames, decode, path(name));
  }
  const counts = [splits.train, splits.val, splits.test].map((items) => ({ shape: [items.length] }));
  writeDataCacheMeta(
    dir,
    {
      testSplit: 'test',
      classNames: listed.classNames,
      inputShape,
      standardization: statisticsOf(path('train')),
      flipByDefault: flip,
      pad: 0,
      description: describeData(o.dataset, counts, 'test', inputShape, listed.classNames.length),
    },
    o,
  );
  return counts.reduce((sum, c) => sum + c.shape[0], 0) * 3 * size * size;
}
