import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fitStandardizationOfImages, ImageCacheFile, listTinyImageNet, streamImageList } from '@funt/datasets';
import { DATA_CACHE_FILES, writeDataCacheMeta } from './data-cache.js';
import { TINY_IMAGENET } from './load.js';
import { checkFirst, type DataOptions, type DatasetName, describeData, holdOutRows } from './prepare.js';

/**
 * The data sets whose `--data-cache` is written without ever holding the data set in memory:
 * their files are listed, then decoded one at a time into the cache.
 */
export const STREAMED_DATASETS: readonly DatasetName[] = ['tiny-imagenet'];

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
 * those `prepareData` makes (validation held out of the training images with the same seeded
 * rows, then --train-size and --test-size), so the files are byte for byte those
 * `writeDataCache` writes from the in-memory `loadData` of the same options, and the statistics
 * (a streaming pass over the written training split) the same bits. Returns the bytes of pixels
 * written.
 */
export async function streamDataCache(dir: string, o: DataOptions): Promise<number> {
  if (o.dataset !== 'tiny-imagenet') throw new Error(`streamDataCache: --dataset ${o.dataset} is not streamed`);
  const listed = await listTinyImageNet(o.dataDir ?? '', { maxPerClass: o.maxPerClass });
  // Tiny-ImageNet's val/ is the test split; validation is held out of the training images.
  const rows = holdOutRows(listed.trainItems.length, o.valSize, '--val-size', o.dataset);
  checkFirst(o.trainSize, rows.train.length, '--train-size');
  checkFirst(o.testSize, listed.valItems.length, '--test-size');
  const pick = (rows: Int32Array, k = rows.length) => Array.from(rows.subarray(0, k), (i) => listed.trainItems[i]);
  const splits = {
    train: pick(rows.train, o.trainSize),
    val: pick(rows.val),
    test: listed.valItems.slice(0, o.testSize ?? listed.valItems.length),
  };
  const { size, inputShape, flip } = TINY_IMAGENET;
  mkdirSync(dir, { recursive: true });
  const path = (name: keyof typeof DATA_CACHE_FILES) => join(dir, DATA_CACHE_FILES[name]);
  for (const name of ['train', 'val', 'test'] as const) {
    await streamImageList(
      `tiny-imagenet-${name}`,
      splits[name],
      listed.classNames,
      { width: size, height: size },
      path(name),
    );
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
