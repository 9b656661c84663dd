import { DatasetError } from '../errors.js';
import { DEFAULT_MAX_BYTES, maybeGunzip } from '../formats/gzip.js';
import { parseIdx } from '../formats/idx.js';
import { type ImageSet, imageSet } from '../image-set.js';
import { findFile, readBytes, requireDir } from './files.js';

/** Options of `loadMnistIdx`: which IDX files to read, and the class names. */
export interface MnistIdxOptions {
  /** Base names of the four files (default MNIST's; '.gz' is tried after each). */
  files?: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
  /** Class names (default '0', '1', … up to the largest label). */
  classNames?: string[];
  /** Largest decompressed file accepted (default 1 GiB). */
  maxBytes?: number;
}

const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** Some unpackers turn the first '-' before 'idx' into a '.': accept both spellings. */
function spellings(base: string): string[] {
  const dotted = base.replace(/-idx(\d)-ubyte$/, '.idx$1-ubyte');
  const names = dotted === base ? [base] : [base, dotted];
  return names.flatMap((n) => [n, `${n}.gz`]);
}

/**
 * Loads a folder of IDX files in MNIST's layout (plain or gzip-compressed). Any data set in this
 * format loads — Fashion-MNIST, KMNIST, … — the header gives count, rows and cols.
 */
export async function loadMnistIdx(
  dir: string,
  options: MnistIdxOptions = {},
): Promise<{ train: ImageSet; test: ImageSet }> {
  requireDir(dir, 'the four MNIST IDX files');
  const names = options.files ?? MNIST_FILES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const read = async (imagesName: string, labelsName: string) => {
    const imagesFile = findFile([dir], spellings(imagesName));
    const labelsFile = findFile([dir], spellings(labelsName));
    const images = parseIdx(maybeGunzip(await readBytes(imagesFile), imagesFile, maxBytes), imagesFile, 3);
    const labels = parseIdx(maybeGunzip(await readBytes(labelsFile), labelsFile, maxBytes), labelsFile, 1);
    if (labels.dims[0] !== images.dims[0]) {
      throw new DatasetError(labelsFile, `label count differs from the image count of ${imagesFile}`, {
        offset: 4,
        expected: images.dims[0],
        found: labels.dims[0],
      });
    }
    return { images, labels, labelsFile };
  };
  const train = await read(names.trainImages, names.trainLabels);
  const test = await read(names.testImages, names.testLabels);
  // One class count for both splits, from the training labels (at least MNIST's 10): a class
  // from 10 up that no training image has means a damaged label, not a class, and is refused
  // here, naming the file, rather than growing the network or failing after training.
  let maxLabel = -1;
  for (const l of train.labels.data) maxLabel = Math.max(maxLabel, l);
  const classNames = options.classNames ?? Array.from({ length: Math.max(10, maxLabel + 1) }, (_, i) => String(i));
  if (!options.classNames && maxLabel >= 10) {
    const seen = new Uint8Array(maxLabel + 1);
    for (const l of train.labels.data) seen[l] = 1;
    const missing = seen.indexOf(0, 10);
    if (missing >= 0) {
      const at = train.labels.data.indexOf(maxLabel);
      throw new DatasetError(train.labelsFile, `label ${at} is ${maxLabel}, but no image has label ${missing}`, {
        offset: 8 + at,
        expected: 'labels 0..k-1, each used (or give the class names)',
        found: maxLabel,
      });
    }
  }
  const build = ({ images, labels, labelsFile }: Awaited<ReturnType<typeof read>>): ImageSet => {
    const [n, rows, cols] = images.dims;
    const bad = labels.data.findIndex((l) => l >= classNames.length);
    if (bad >= 0) {
      throw new DatasetError(labelsFile, `label ${bad} out of range`, {
        offset: 8 + bad,
        expected: `0..${classNames.length - 1}`,
        found: labels.data[bad],
      });
    }
    // Copies, so the sets do not keep the whole file buffers alive.
    return imageSet(new Uint8Array(images.data), [n, 1, rows, cols], Int32Array.from(labels.data), classNames);
  };
  return {
    train: build(train),
    test: build(test),
  };
}
