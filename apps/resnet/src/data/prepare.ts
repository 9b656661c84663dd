import {
  fitStandardization,
  type ImageCacheFile,
  type ImageSet,
  randomSplit,
  type SplitIndices,
  type Standardization,
  splitEmbeddedMnist,
  subset,
} from '@funt/datasets';
import { Rng } from '@funt/tensor';
import { UsageError } from '../errors.js';
import { frameSet } from './frame.js';

/** The data sets the CLI can load; `synthetic` is a small generated set for tests and demos. */
export const DATASETS = [
  'mnist',
  'mnist-idx',
  'kaggle-csv',
  'cifar10',
  'sfddd',
  'tiny-imagenet',
  'gtsrb',
  'synthetic',
] as const;
/** The name of one of the `DATASETS`. */
export type DatasetName = (typeof DATASETS)[number];

/** Where the data comes from and how much of it is used. */
export interface DataOptions {
  dataset: DatasetName;
  dataDir?: string;
  /** Use only the first k training images (after the validation split). */
  trainSize?: number;
  /**
   * Use at most k images of each class from the loaded training images (before the splits).
   * Tiny-ImageNet does not even decode the others.
   */
  maxPerClass?: number;
  valSize?: number;
  testSize?: number;
  /**
   * SFDDD: 'driver' (default) holds out whole drivers for validation and other drivers for the
   * test; 'random' is the seed's random split, with every driver on every side (optimistic).
   */
  splitBy?: 'driver' | 'random';
}

/** A data set ready for training: three splits, the statistics and what the network sees. */
export interface PreparedData {
  dataset: DatasetName;
  /** In memory, or an image cache file read by row (`--data-cache`: larger than memory). */
  train: ImageSet | ImageCacheFile;
  val: ImageSet;
  test: ImageSet;
  /** 'val' when the data set has no labelled test split and the test numbers come from validation (SFDDD, Tiny-ImageNet). */
  testSplit: 'test' | 'val';
  classNames: string[];
  /** [C, H, W] the network takes. Images may be larger (SFDDD): the input hooks crop them. */
  inputShape: [number, number, number];
  /** Fitted on the training split (PyDatSet: mean image, one std). */
  standardization: Standardization;
  /** Horizontal flips make sense (natural photos) or not (digits, signs, left/right-handed drivers). */
  flipByDefault: boolean;
  /** The zero border the images were framed in when loaded (MNIST: 2, its 28×28 digits in 32×32); absent: none. */
  pad?: number;
  /** One line for logs and reports. */
  description: string;
}

/** A prepared data set with every split in memory: what a loader gives. */
export type InMemoryData = PreparedData & { train: ImageSet };

/** Seed of every split, fixed so that runs with different training seeds share one test set. */
export const SPLIT_SEED = 0;

/**
 * The rows of `n` labelled images that stay for training and those held out (`size` of them, or
 * 10%) for validation or testing: seeded by SPLIT_SEED, each side in ascending order.
 */
export function holdOutRows(n: number, size: number | undefined, flag: string, dataset: string): SplitIndices {
  const k = size ?? Math.max(1, Math.round(n / 10));
  if (k >= n) {
    throw new UsageError(
      `${size === undefined ? `--dataset ${dataset}` : `${flag} ${k}`}: cannot hold out ${k} of ${n} training images`,
    );
  }
  return randomSplit(n, k / n, new Rng(SPLIT_SEED));
}

/** Holds `size` images (or 10%) of a labelled set out for validation or testing (`holdOutRows`). */
function holdOut(
  set: ImageSet,
  size: number | undefined,
  flag: string,
  dataset: string,
): { train: ImageSet; val: ImageSet } {
  const rows = holdOutRows(set.shape[0], size, flag, dataset);
  return { train: subset(set, rows.train), val: subset(set, rows.val) };
}

/**
 * The rows of the first `k` images of each class, in their order, for images with these labels;
 * undefined when that is every row (k undefined, or no class has more than k).
 */
export function firstPerClassRows(labels: ArrayLike<number>, k: number | undefined): number[] | undefined {
  if (k === undefined) return undefined;
  const taken = new Map<number, number>();
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const n = taken.get(labels[i]) ?? 0;
    if (n < k) rows.push(i);
    taken.set(labels[i], n + 1);
  }
  return rows.length === labels.length ? undefined : rows;
}

/** The first `k` images of each class, in their order (all of them when k is undefined). */
function firstPerClass(set: ImageSet, k: number | undefined): ImageSet {
  const rows = firstPerClassRows(set.labels, k);
  return rows ? subset(set, rows) : set;
}

/** Checks that `flag k` asks for no more than the `n` images of a split (undefined: all of them). */
export function checkFirst(k: number | undefined, n: number, flag: string): void {
  if (k !== undefined && k > n) throw new UsageError(`${flag} ${k} is more than the ${n} images available`);
}

function first(set: ImageSet, k: number | undefined, flag: string): ImageSet {
  if (k === undefined) return set;
  checkFirst(k, set.shape[0], flag);
  return subset(
    set,
    Int32Array.from({ length: k }, (_, i) => i),
  );
}

/** A data set as loaded: its splits (validation and test may be missing), what the network sees, whether flips make sense. */
export interface RawData {
  train: ImageSet;
  val?: ImageSet;
  test?: ImageSet;
  inputShape: [number, number, number];
  flip: boolean;
  /** The zero border the loader framed the images in (default 0). */
  pad?: number;
}

/**
 * Prepares the three splits of a loaded data set: validation is held out of the training images
 * (fixed seed), `--train-size`/`--test-size` take the first images of a split, and the
 * standardisation is fitted on the training split. The same on every host: `loadData` (Node)
 * loads the raw data, a page brings its own (`embeddedMnistData`).
 */
export function prepareData(o: DataOptions, raw: RawData): InMemoryData {
  let { val, test } = raw;
  let train = firstPerClass(raw.train, o.maxPerClass);
  let testSplit: 'test' | 'val' = 'test';
  if (!test && val) {
    // A data set whose only labelled held-out set is a validation split: it serves as both.
    test = val;
    testSplit = 'val';
  } else if (!test) {
    ({ train, val: test } = holdOut(train, o.testSize, '--test-size', o.dataset));
  }
  if (!val) ({ train, val } = holdOut(train, o.valSize, '--val-size', o.dataset));
  train = first(train, o.trainSize, '--train-size');
  test = first(test, o.testSize, '--test-size');
  if (testSplit === 'val') test = val;
  const [, h, w] = raw.inputShape;
  // Splits keep their loaded size; the input hooks crop larger images (SFDDD) to the network's
  // input: at random for training, in the centre for evaluation. Statistics of the centre crops.
  const standardization = fitStandardization(frameSet(train, h, w), 'image');
  const classNames = train.classNames;
  const [c] = raw.inputShape;
  return {
    dataset: o.dataset,
    train,
    val,
    test,
    testSplit,
    classNames,
    inputShape: [c, h, w],
    standardization,
    flipByDefault: raw.flip,
    pad: raw.pad ?? 0,
    description: describeData(o.dataset, [train, val, test], testSplit, [c, h, w], classNames.length),
  };
}

/** The one-line description of prepared splits (their image counts) for logs and reports. */
export function describeData(
  dataset: DatasetName,
  [train, val, test]: { shape: readonly number[] }[],
  testSplit: 'test' | 'val',
  [c, h, w]: readonly number[],
  classes: number,
): string {
  return `${dataset}: ${train.shape[0]} training, ${val.shape[0]} validation, ${test.shape[0]} ${testSplit === 'val' ? 'test (= validation)' : 'test'} images of ${c}×${h}×${w}, ${classes} classes`;
}

/**
 * The 10,000 embedded MNIST digits (as `loadEmbeddedMnistDigits()` gives them in Node, or their
 * bytes in a page) as `--dataset mnist` loads them: padded to 32×32, the test split first (so it
 * stays the same whatever --train-size asks for).
 */
export function embeddedMnistRaw(all: ImageSet, testSize = 1000): RawData {
  const { train, test } = splitEmbeddedMnist(all, {
    trainSize: all.shape[0] - testSize,
    testSize,
    pad: 2,
    seed: SPLIT_SEED,
  });
  return { train, test, inputShape: [1, 32, 32], flip: false, pad: 2 };
}

/** `--dataset mnist` prepared from the embedded digits at hand: what `loadData` gives in Node. */
export function embeddedMnistData(all: ImageSet, o: Omit<DataOptions, 'dataset'> = {}): InMemoryData {
  return prepareData({ ...o, dataset: 'mnist' }, embeddedMnistRaw(all, o.testSize));
}
