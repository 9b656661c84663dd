import { type Command, Option } from 'commander';
import { checkData, DATASETS, type DataOptions } from '../data/load.js';
import { checkFolder } from './action.js';
import { positiveInt } from './parse.js';

// Flags several subcommands share, each group added in the order the help lists it.

/** `defaultDataset` null: the data set the model was trained on (eval, saliency, fool). */
export function dataFlags(cmd: Command, defaultDataset: string | null): Command {
  const dataset = new Option(
    '--dataset <name>',
    defaultDataset ? 'data set' : 'data set (default: the one the model was trained on)',
  ).choices(DATASETS);
  return cmd
    .addOption(defaultDataset ? dataset.default(defaultDataset) : dataset)
    .option(
      '--data-dir <dir>',
      'folder of the data set files (every data set but the embedded mnist and synthetic; cifar10 also takes its .tar.gz)',
    )
    .option('--train-size <k>', 'use only the first k training images', positiveInt)
    .option(
      '--val-size <k>',
      'validation images held out of the training set (default: 10%; SFDDD: whole drivers)',
      positiveInt,
    )
    .option('--test-size <k>', 'use only the first k test images', positiveInt)
    .option(
      '--max-per-class <k>',
      'use at most k training images of each class (Tiny-ImageNet decodes no others)',
      positiveInt,
    );
}

export function runtimeFlags(cmd: Command): Command {
  return cmd
    .option(
      '--threads <k>',
      'threads of the wasm and native kernels, the calling thread included (default: FUNT_THREADS, else every core)',
      positiveInt,
    )
    .option('--backend <name>', 'tensor backend (native, wasm or reference; default: the fastest available)');
}

export function progressFlag(cmd: Command): Command {
  return cmd.addOption(
    new Option('--progress <style>', 'progress output (default: bar on a terminal, lines otherwise)').choices([
      'bar',
      'lines',
      'none',
    ]),
  );
}

/** A saved model used on a split of its data (eval, saliency, fool). */
export function modelOnSplitFlags(cmd: Command, model: string, split: string): Command {
  cmd.requiredOption('--model <path>', model);
  dataFlags(cmd, null);
  return runtimeFlags(cmd).addOption(
    new Option(
      '--split <name>',
      `${split}; from a run folder, the run's own split (its data folder and split sizes unless given)`,
    )
      .choices(['test', 'val'])
      .default('test'),
  );
}

/** The checks of modelOnSplitFlags' flags: the model exists, and so does the data folder if one is needed. */
export function checkModelOnSplit(o: { model: string } & Partial<DataOptions>): void {
  checkFolder('--model', o.model);
  checkData(o);
}
