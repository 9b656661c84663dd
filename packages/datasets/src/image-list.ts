import { stat } from 'node:fs/promises';
import { type CacheStatus, cachedImageSet, defaultCacheDir, hashKey } from './cache.js';
import { forEachConcurrent } from './concurrency.js';
import { DatasetError, messageOf } from './errors.js';
import { decodeImageInto, type Rect } from './formats/decode-image.js';
import { ImageCacheWriter } from './image-cache/writer.js';
import { type ImageSet, imageSet } from './image-set.js';

/** One image of a folder-based data set (SFDDD, Tiny-ImageNet, GTSRB). */
export interface ImageItem {
  file: string;
  label: number;
  group?: string;
  crop?: Rect;
}

/** How `loadImageList` and `streamImageList` decode: output size and channels, the cache, concurrency. */
export interface ImageListOptions {
  width: number;
  height: number;
  channels?: 1 | 3;
  /** Cache directory, or false to decode every time (default: `defaultCacheDir()`). */
  cacheDir?: string | false;
  /** Images decoded concurrently (default 4). */
  concurrency?: number;
}

function checkDecodeOptions(dataset: string, width: number, height: number, channels: number): void {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 4096)
      throw new RangeError(`${dataset}: ${name} must be an integer in [1, 4096], got ${v}`);
  }
  if (channels !== 1 && channels !== 3)
    throw new RangeError(`${dataset}: channels must be 1 or 3, got ${String(channels)}`);
}

/** Bump when the decoding changes, so that old caches are not reused. */
const DECODER_VERSION = 1;

/**
 * Decodes a list of image files into one uint8 ImageSet (N×C×height×width), through the on-disk
 * cache. The cache key holds every file's path, size and modification time, its label, group
 * and crop, and the decoding options: touching, replacing, adding or removing an image
 * invalidates it. `dataset`, `root` and the decoding options name the cache entry.
 */
export async function loadImageList(
  dataset: string,
  root: string,
  items: readonly ImageItem[],
  classNames: string[],
  options: ImageListOptions,
): Promise<{ set: ImageSet; cache: CacheStatus }> {
  const { width, height, channels = 3, concurrency = 4 } = options;
  checkDecodeOptions(dataset, width, height, channels);
  const stamps = new Array<[number, number]>(items.length);
  await forEachConcurrent(items, 64, async (item, i) => {
    try {
      const s = await stat(item.file);
      stamps[i] = [s.size, s.mtimeMs];
    } catch (error) {
      throw new DatasetError(
        item.file,
        (error as { code?: string }).code === 'ENOENT' ? 'image file not found' : `cannot be read: ${messageOf(error)}`,
        { cause: error },
      );
    }
  });
  const key = {
    version: DECODER_VERSION,
    width,
    height,
    channels,
    classNames,
    items: items.map((it, i) => [it.file, ...stamps[i], it.label, it.group ?? null, it.crop ?? null]),
  };
  const dir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  // One cache entry per source folder and decoding variant: loads with other options keep their
  // own entry, while a changed source replaces the entry it made stale.
  const variant = hashKey({ root, width, height, channels, cropped: items.some((it) => it.crop !== undefined) });
  return cachedImageSet(dir, `${dataset}-${variant}`, key, async () => {
    const size = channels * width * height;
    const images = new Uint8Array(items.length * size);
    await forEachConcurrent(items, concurrency, (item, i) =>
      decodeImageInto(item.file, { width, height, channels, crop: item.crop }, images, i * size),
    );
    const labels = Int32Array.from(items, (it) => it.label);
    const groups =
      items.every((it) => it.group !== undefined) && items.length > 0 ? items.map((it) => it.group!) : undefined;
    return imageSet(images, [items.length, channels, height, width], labels, classNames, groups);
  });
}

/**
 * Decodes a list of image files one at a time straight into a new image cache file at `path`
 * (image-cache/format.ts), for data sets larger than memory: only one decoded image and the
 * writer's chunk are held. The file holds, byte for byte, what `writeImageCache` writes for the
 * set `loadImageList` gives for the same items and options (the same decoder, in item order).
 * A file that fails to decode is a DatasetError naming it, and no cache file is left behind.
 * The decoded-image cache of `loadImageList` is not used (`cacheDir`, `concurrency` are ignored).
 */
export async function streamImageList(
  dataset: string,
  items: readonly ImageItem[],
  classNames: string[],
  options: ImageListOptions,
  path: string,
): Promise<void> {
  const { width, height, channels = 3 } = options;
  checkDecodeOptions(dataset, width, height, channels);
  const writer = new ImageCacheWriter(path, { count: items.length, channels, height, width, classNames });
  const pixels = new Uint8Array(channels * height * width);
  try {
    for (const item of items) {
      await decodeImageInto(item.file, { width, height, channels, crop: item.crop }, pixels, 0);
      writer.append(pixels, item.label);
    }
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.close();
}
