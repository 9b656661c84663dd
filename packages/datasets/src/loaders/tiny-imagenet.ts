import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheStatus } from '../cache.js';
import { DatasetError } from '../errors.js';
import { type ImageItem, loadImageList } from '../image-list.js';
import type { ImageSet } from '../image-set.js';
import { findFile, findOptional, readLines, requireDir } from './files.js';

/**
 * Options of `loadTinyImageNet`: output side and channels (default 3), a per-class cap, and the
 * decoded-image cache (`cacheDir`, default `defaultCacheDir()`; `concurrency`, default 4).
 */
export interface TinyImageNetOptions {
  /** Output side (default 64, the native size). */
  size?: number;
  channels?: 1 | 3;
  /** Use at most this many training images per class (default all 500), for quick runs. */
  maxPerClass?: number;
  cacheDir?: string | false;
  concurrency?: number;
}

/**
 * Tiny-ImageNet: `wnids.txt` (the 200 class ids, in label order), `words.txt` (id → names;
 * the first name becomes the class name), `train/<wnid>/images/*.JPEG`, and
 * `val/images/*.JPEG` labelled by `val/val_annotations.txt` (file, wnid, box). The test images
 * carry no labels and are not loaded. Grey JPEGs (there are some) are expanded to RGB.
 */
export async function loadTinyImageNet(
  dir: string,
  options: TinyImageNetOptions = {},
): Promise<{ train: ImageSet; val: ImageSet; wnids: string[]; cache: CacheStatus }> {
  const { size = 64, channels = 3 } = options;
  const { trainItems, valItems, classNames, wnids } = await listTinyImageNet(dir, options);
  const decode = { width: size, height: size, channels, cacheDir: options.cacheDir, concurrency: options.concurrency };
  const train = await loadImageList('tiny-imagenet-train', dir, trainItems, classNames, decode);
  const val = await loadImageList('tiny-imagenet-val', dir, valItems, classNames, decode);
  const cache: CacheStatus =
    train.cache === 'hit' && val.cache === 'hit' ? 'hit' : train.cache === 'off' ? 'off' : 'miss';
  return { train: train.set, val: val.set, wnids, cache };
}

/**
 * The files of Tiny-ImageNet in `dir` (laid out as `loadTinyImageNet` describes) with their
 * labels, without decoding any: the training images of each class in file-name order (at most
 * `maxPerClass` of them), then the validation images in the order of val_annotations.txt. These
 * are the items `loadTinyImageNet` decodes; `streamImageList` writes them to an image cache one
 * at a time.
 */
export async function listTinyImageNet(
  dir: string,
  options: Pick<TinyImageNetOptions, 'maxPerClass'> = {},
): Promise<{ trainItems: ImageItem[]; valItems: ImageItem[]; classNames: string[]; wnids: string[] }> {
  requireDir(dir, 'wnids.txt, words.txt, train/ and val/');
  const { maxPerClass = Infinity } = options;
  const wnidsFile = findFile([dir], ['wnids.txt']);
  const wnids = (await readLines(wnidsFile)).map((l) => l.text);
  if (wnids.length === 0)
    throw new DatasetError(wnidsFile, 'lists no classes', { expected: 'one wnid per line', found: 'nothing' });
  const labelOf = new Map(wnids.map((w, i) => [w, i]));
  const names = new Map<string, string>();
  const wordsFile = findOptional(dir, ['words.txt']);
  if (wordsFile) {
    for (const { text } of await readLines(wordsFile)) {
      const tab = text.indexOf('\t');
      if (tab > 0)
        names.set(
          text.slice(0, tab),
          text
            .slice(tab + 1)
            .split(',')[0]
            .trim(),
        );
    }
  }
  const classNames = wnids.map((w) => names.get(w) ?? w);

  const trainItems: ImageItem[] = [];
  for (const [label, wnid] of wnids.entries()) {
    const folder = join(dir, 'train', wnid, 'images');
    requireDir(folder, `the training JPEGs of class ${wnid}`);
    const files = (await readdir(folder)).filter((f) => /\.jpe?g$/i.test(f)).sort();
    for (const f of files.slice(0, maxPerClass)) trainItems.push({ file: join(folder, f), label });
  }

  const annotations = findFile([join(dir, 'val')], ['val_annotations.txt']);
  const valItems: ImageItem[] = [];
  for (const { text, line } of await readLines(annotations)) {
    const [file, wnid] = text.split('\t');
    const label = labelOf.get(wnid ?? '');
    if (!file || label === undefined) {
      throw new DatasetError(annotations, 'unknown class or missing file name', {
        line,
        expected: 'file<TAB>wnid from wnids.txt',
        found: JSON.stringify(text),
      });
    }
    // A plain file name: a path in the annotations must not reach outside val/images.
    if (file === '.' || file === '..' || /[/\\]/.test(file) || file.includes('\0')) {
      throw new DatasetError(annotations, 'image name is not a plain file name', {
        line,
        expected: 'a file name in val/images',
        found: JSON.stringify(file),
      });
    }
    valItems.push({ file: join(dir, 'val', 'images', file), label });
  }

  return { trainItems, valItems, classNames, wnids };
}
