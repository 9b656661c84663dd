import { existsSync, statSync } from 'node:fs';
import {
  fitStandardization,
  type ImageSet,
  loadCifar10,
  loadEmbeddedMnist,
  loadGtsrb,
  loadKaggleDigitsCsv,
  loadMnistIdx,
  loadSfddd,
  loadTinyImageNet,
  type Standardization,
  subset,
  trainValSplit,
} from '@funt/datasets';
import { UsageError } from '../errors.js';
import { frameSet } from './frame.js';
import { syntheticSet } from './synthetic.js';

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
  valSize?: number;
  testSize?: number;
}

/** Checks that apply to any command reading a data set: a folder that exists when needed. */
export function checkData(o: Partial<DataOptions>): void {
  // Without --dataset (eval, saliency, fool) the command checks again once it knows the model's.
  const needsDir = o.dataset !== undefined && o.dataset !== 'mnist' && o.dataset !== 'synthetic';
  if (needsDir && !o.dataDir)
    throw new UsageError(`--dataset ${o.dataset} needs --data-dir <dir> (the folder of its files)`);
  if (o.dataDir && !(existsSync(o.dataDir) && statSync(o.dataDir).isDirectory())) {
    throw new UsageError(`--data-dir ${o.dataDir} is not a folder`);
  }
}

/** A data set ready for training: three splits, the statistics and what the network sees. */
export interface PreparedData {
  dataset: DatasetName;
  train: ImageSet;
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
  /** One line for logs and reports. */
  description: string;
}

/** Seed of every split, fixed so that runs with different training seeds share one test set. */
const SPLIT_SEED = 0;

/** Holds `size` images (or 10%) of a labelled set out for validation or testing. */
function holdOut(set: ImageSet, size: number | undefined, what: string): { train: ImageSet; val: ImageSet } {
  const n = set.shape[0];
  const k = size ?? Math.max(1, Math.round(n / 10));
  if (k >= n) throw new RangeError(`${what}: cannot hold out ${k} of ${n} images`);
  return trainValSplit(set, { valFraction: k / n, seed: SPLIT_SEED, by: 'random' });
}

function first(set: ImageSet, k: number | undefined, flag: string): ImageSet {
  if (k === undefined) return set;
  if (k > set.shape[0]) throw new RangeError(`${flag} ${k} is more than the ${set.shape[0]} images available`);
  return subset(
    set,
    Int32Array.from({ length: k }, (_, i) => i),
  );
}

interface Raw {
  train: ImageSet;
  val?: ImageSet;
  test?: ImageSet;
  inputShape: [number, number, number];
  flip: boolean;
}

async function loadRaw(o: DataOptions): Promise<Raw> {
  const dir = o.dataDir ?? '';
  switch (o.dataset) {
    case 'mnist': {
      // 10,000 digits ship with the mnist package; the test split comes first so it stays the same
      // whatever --train-size asks for.
      const test = o.testSize ?? 1000;
      const { train, test: t } = loadEmbeddedMnist({
        trainSize: 10_000 - test,
        testSize: test,
        pad: 2,
        seed: SPLIT_SEED,
      });
      return { train, test: t, inputShape: [1, 32, 32], flip: false };
    }
    case 'synthetic': {
      const all = syntheticSet(o.testSize ?? 200, 16, 1);
      return { train: syntheticSet(1200, 16, 2), test: all, inputShape: [1, 16, 16], flip: false };
    }
    case 'mnist-idx': {
      const { train, test } = await loadMnistIdx(dir);
      return { train: frameSet(train, 32, 32), test: frameSet(test, 32, 32), inputShape: [1, 32, 32], flip: false };
    }
    case 'kaggle-csv': {
      // Kaggle's test.csv has no labels: the test split is held out of train.csv.
      const { train } = await loadKaggleDigitsCsv(dir);
      return { train: frameSet(train, 32, 32), inputShape: [1, 32, 32], flip: false };
    }
    case 'cifar10': {
      const { train, test } = await loadCifar10(dir);
      return { train, test, inputShape: [3, 32, 32], flip: true };
    }
    case 'sfddd': {
      // The seed: photos resized to 64×48, random 32×32 crops for training, the centre crop for
      // testing; validation by driver, since a random split puts one driver on both sides.
      const { train, val } = await loadSfddd(dir, {
        width: 64,
        height: 48,
        channels: 3,
        split: 'driver',
        seed: SPLIT_SEED,
      });
      return { train, val, inputShape: [3, 32, 32], flip: false };
    }
    case 'tiny-imagenet': {
      const { train, val } = await loadTinyImageNet(dir, { size: 64 });
      return { train, test: val, inputShape: [3, 64, 64], flip: true };
    }
    case 'gtsrb': {
      const { train, test } = await loadGtsrb(dir, { size: 32 });
      return {
        train,
        test: test?.labels.every((l) => l >= 0) ? test : undefined,
        inputShape: [3, 32, 32],
        flip: false,
      };
    }
  }
}

/**
 * Loads a data set by its CLI name and prepares the three splits: validation is held out of the
 * training images (fixed seed), `--train-size`/`--test-size` take the first images of a split,
 * and the standardisation is fitted on the training split.
 */
export async function loadData(o: DataOptions): Promise<PreparedData> {
  const raw = await loadRaw(o);
  let { train, val, test } = raw;
  let testSplit: 'test' | 'val' = 'test';
  if (!test && val) {
    // SFDDD: the driver-split validation set is the only labelled held-out set; it serves as both.
    test = val;
    testSplit = 'val';
  } else if (!test) {
    ({ train, val: test } = holdOut(train, o.testSize, `--dataset ${o.dataset}`));
  }
  if (!val) ({ train, val } = holdOut(train, o.valSize, `--dataset ${o.dataset}`));
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
    description: `${o.dataset}: ${train.shape[0]} training, ${val.shape[0]} validation, ${test.shape[0]} ${testSplit === 'val' ? 'test (= validation)' : 'test'} images of ${c}×${h}×${w}, ${classNames.length} classes`,
  };
}
