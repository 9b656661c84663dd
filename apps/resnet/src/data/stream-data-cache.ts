import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  fitStandardizationOfImages,
  ImageCacheFile,
  type ImageItem,
  imageSet,
  listGtsrb,
  listSfddd,
  listTinyImageNet,
  streamImageList,
  trainValRows,
} from '@funt/datasets';
import { DATA_CACHE_FILES, writeDataCacheMeta } from './data-cache.js';
import { frameSet } from './frame.js';
import { GTSRB, SFDDD, sfdddValSplit, TINY_IMAGENET } from './load.js';
import {
  checkFirst,
  type DataOptions,
  type DatasetName,
  describeData,
  firstPerClassRows,
  holdOutRows,
  SPLIT_SEED,
} from './prepare.js';

/**
 * The data sets whose `--data-cache` is written without ever holding the data set in memory:
 * their files are listed, then decoded one at a time into the cache.
 */
export const STREAMED_DATASETS: readonly DatasetName[] = ['tiny-imagenet', 'gtsrb', 'sfddd'];

/** A data set's files as listed, before any is decoded, with how `loadData` loads them. */
interface Listed {
  train: ImageItem[];
  /** The validation split, when the data set makes its own (else it is held out of `train`). */
  val?: ImageItem[];
  /** The labelled test split, when the data set has one (else it is held out of `train`). */
  test?: ImageItem[];
  classNames: string[];
  format: { width: number; height: number; inputShape: [number, number, number]; flip: boolean };
}

/** The items at these rows, in their order. */
function pick(items: ImageItem[], rows: ArrayLike<number>): ImageItem[] {
  return Array.from(rows, (i) => items[i]);
}

async function list(o: DataOptions): Promise<Listed> {
  const dir = o.dataDir ?? '';
  if (o.dataset === 'tiny-imagenet') {
    const { trainItems, valItems, classNames } = await listTinyImageNet(dir, { maxPerClass: o.maxPerClass });
    const { size, inputShape, flip } = TINY_IMAGENET;
    // Its val/ is the test split; validation is held out of the training images.
    return { train: trainItems, test: valItems, classNames, format: { width: size, height: size, inputShape, flip } };
  }
  if (o.dataset === 'gtsrb') {
    const { items, classNames } = await listGtsrb(dir);
    const { size, inputShape, flip } = GTSRB;
    return { train: items, classNames, format: { width: size, height: size, inputShape, flip } };
  }
  if (o.dataset === 'sfddd') {
    // As loadSfddd, then loadData: the test drivers (or images) first, then validation.
    const { items, classNames } = await listSfddd(dir);
    const groupsOf = (list: ImageItem[]) => list.map((it) => it.group ?? '');
    const by = (o.splitBy ?? 'driver') === 'driver' ? 'group' : 'random';
    const outer = trainValRows(items.length, groupsOf(items), {
      valFraction: SFDDD.testFraction,
      seed: SPLIT_SEED,
      by,
    });
    const rest = pick(items, outer.train);
    const inner = trainValRows(rest.length, groupsOf(rest), sfdddValSplit(o, rest.length));
    const { width, height, inputShape, flip } = SFDDD;
    return {
      train: pick(rest, inner.train),
      val: pick(rest, inner.val),
      test: pick(items, outer.val),
      classNames,
      format: { width, height, inputShape, flip },
    };
  }
  throw new Error(`streamDataCache: --dataset ${o.dataset} is not streamed`);
}

/**
 * The three splits `prepareData` makes, as lists of files: --max-per-class, the test split held
 * out of the training images when the data set has none, validation held out (the same seeded
 * rows as in memory), then the first --train-size and --test-size images.
 */
function splitItems(o: DataOptions, listed: Listed): { train: ImageItem[]; val: ImageItem[]; test: ImageItem[] } {
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
  let val = listed.val;
  if (!val) {
    const rows = holdOutRows(train.length, o.valSize, '--val-size', o.dataset);
    val = pick(train, rows.val);
    train = pick(train, rows.train);
  }
  checkFirst(o.trainSize, train.length, '--train-size');
  checkFirst(o.testSize, test.length, '--test-size');
  return { train: train.slice(0, o.trainSize), val, test: test.slice(0, o.testSize) };
}

/**
 * The standardisation statistics of an image cache file, two passes of one positioned read per
 * image: of the images' centre crops to the network's input `[c, h, w]`, as `prepareData` fits them.
 */
function statisticsOf(path: string, [c, h, w]: readonly number[]) {
  const file = ImageCacheFile.open(path);
  try {
    const row = new Uint8Array(file.imageSize);
    const one = imageSet(row, [1, ...file.shape.slice(1)], Int32Array.of(-1), []);
    return fitStandardizationOfImages(
      [file.shape[0], c, h, w],
      (i) => {
        file.readImage(i, row);
        return frameSet(one, h, w).images;
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
  const { width, height, inputShape, flip } = listed.format;
  mkdirSync(dir, { recursive: true });
  const path = (name: keyof typeof DATA_CACHE_FILES) => join(dir, DATA_CACHE_FILES[name]);
  for (const name of ['train', 'val', 'test'] as const) {
    const decode = { width, height };
    await streamImageList(`${o.dataset}-${name}`, splits[name], listed.classNames, decode, path(name));
  }
  const counts = [splits.train, splits.val, splits.test].map((items) => ({ shape: [items.length] }));
  writeDataCacheMeta(
    dir,
    {
      testSplit: 'test',
      classNames: listed.classNames,
      inputShape,
      standardization: statisticsOf(path('train'), inputShape),
      flipByDefault: flip,
      pad: 0,
      description: describeData(o.dataset, counts, 'test', inputShape, listed.classNames.length),
    },
    o,
  );
  return counts.reduce((sum, c) => sum + c.shape[0], 0) * 3 * width * height;
}
