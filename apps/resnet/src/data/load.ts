import { existsSync, statSync } from 'node:fs';
import {
  loadCifar10,
  loadEmbeddedMnistDigits,
  loadGtsrb,
  loadKaggleDigitsCsv,
  loadMnistIdx,
  loadSfddd,
  loadTinyImageNet,
  type TrainValOptions,
  trainValSplit,
} from '@funt/datasets';
import { UsageError } from '../errors.js';
import { frameSet } from './frame.js';
import {
  type DataOptions,
  embeddedMnistRaw,
  type InMemoryData,
  prepareData,
  type RawData,
  SPLIT_SEED,
} from './prepare.js';
import { syntheticSet } from './synthetic.js';

export { DATASETS, type DataOptions, type DatasetName, type InMemoryData, type PreparedData } from './prepare.js';

/** Checks that apply to any command reading a data set: a folder that exists when needed. */
export function checkData(o: Partial<DataOptions>): void {
  // Without --dataset (eval, saliency, fool) the command checks again once it knows the model's.
  const needsDir = o.dataset !== undefined && o.dataset !== 'mnist' && o.dataset !== 'synthetic';
  if (needsDir && !o.dataDir)
    throw new UsageError(`--dataset ${o.dataset} needs --data-dir <dir> (the folder of its files)`);
  if (o.dataDir) {
    if (!existsSync(o.dataDir)) throw new UsageError(`--data-dir ${o.dataDir} does not exist`);
    const s = statSync(o.dataDir);
    // CIFAR-10 reads its downloaded archive as it is; every other data set a folder.
    const archive = o.dataset === 'cifar10' || o.dataset === undefined;
    if (!s.isDirectory() && !(archive && s.isFile())) {
      throw new UsageError(
        `--data-dir ${o.dataDir} is not a folder${o.dataset === 'cifar10' ? ' or the cifar-10-binary.tar.gz archive' : ''}`,
      );
    }
  }
}

/**
 * How `--dataset tiny-imagenet` loads: the 64×64 photos at their size, flips on by default. Its
 * only labelled held-out split (val/) is the validation and the test split.
 */
export const TINY_IMAGENET = { size: 64, inputShape: [3, 64, 64] as [number, number, number], flip: true } as const;

/**
 * How `--dataset sfddd` loads: photos resized to 64×48 (cropped to the 32×32 input by the hooks),
 * a fifth of the drivers (or images, `--split random`) held out for the test, no flips.
 */
export const SFDDD = {
  width: 64,
  height: 48,
  testFraction: 0.2,
  inputShape: [3, 32, 32] as [number, number, number],
  flip: false,
} as const;

/** How `--dataset sfddd` holds validation out of the `n` images left after the test split. */
export function sfdddValSplit(o: DataOptions, n: number): TrainValOptions {
  return {
    valFraction: o.valSize === undefined ? 0.125 : Math.min(o.valSize / n, 0.9),
    seed: SPLIT_SEED,
    by: (o.splitBy ?? 'driver') === 'driver' ? 'group' : 'random',
  };
}

/** How `--dataset gtsrb` loads: each sign cropped to its region and resized to 32×32, no flips. */
export const GTSRB = { size: 32, inputShape: [3, 32, 32] as [number, number, number], flip: false } as const;

async function loadRaw(o: DataOptions): Promise<RawData> {
  const dir = o.dataDir ?? '';
  switch (o.dataset) {
    case 'mnist':
      return embeddedMnistRaw(loadEmbeddedMnistDigits(), o.testSize);
    case 'synthetic': {
      const all = syntheticSet(o.testSize ?? 200, 16, 1);
      return { train: syntheticSet(1200, 16, 2), test: all, inputShape: [1, 16, 16], flip: false };
    }
    case 'mnist-idx': {
      const { train, test } = await loadMnistIdx(dir);
      return {
        train: frameSet(train, 32, 32),
        test: frameSet(test, 32, 32),
        inputShape: [1, 32, 32],
        flip: false,
        pad: 2,
      };
    }
    case 'kaggle-csv': {
      // Kaggle's test.csv has no labels: the test split is held out of train.csv.
      const { train } = await loadKaggleDigitsCsv(dir);
      return { train: frameSet(train, 32, 32), inputShape: [1, 32, 32], flip: false, pad: 2 };
    }
    case 'cifar10': {
      const { train, test } = await loadCifar10(dir);
      return { train, test, inputShape: [3, 32, 32], flip: true };
    }
    case 'sfddd': {
      // The seed: photos resized to 64×48, random 32×32 crops for training, the centre crop for
      // testing. Split three ways by driver (a fifth of the drivers for the test, an eighth of
      // the rest for validation), since a random split puts one driver on every side and the
      // best epoch would otherwise be chosen on the drivers it is tested on.
      const by = o.splitBy ?? 'driver';
      const { train: rest, val: test } = await loadSfddd(dir, {
        width: SFDDD.width,
        height: SFDDD.height,
        channels: 3,
        split: by,
        valFraction: SFDDD.testFraction,
        seed: SPLIT_SEED,
      });
      const { train, val } = trainValSplit(rest, sfdddValSplit(o, rest.shape[0]));
      return { train, val, test, inputShape: SFDDD.inputShape, flip: SFDDD.flip };
    }
    case 'tiny-imagenet': {
      const { train, val } = await loadTinyImageNet(dir, { size: TINY_IMAGENET.size, maxPerClass: o.maxPerClass });
      return { train, test: val, inputShape: TINY_IMAGENET.inputShape, flip: TINY_IMAGENET.flip };
    }
    case 'gtsrb': {
      const { train, test } = await loadGtsrb(dir, { size: GTSRB.size });
      return {
        train,
        test: test?.labels.every((l) => l >= 0) ? test : undefined,
        inputShape: GTSRB.inputShape,
        flip: GTSRB.flip,
      };
    }
  }
}

/** Loads a data set by its CLI name and prepares the three splits (`prepareData`). */
export async function loadData(o: DataOptions): Promise<InMemoryData> {
  return prepareData(o, await loadRaw(o));
}
