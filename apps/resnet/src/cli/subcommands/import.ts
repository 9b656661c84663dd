import { Command, Option } from 'commander';
import type { ImportCommandOptions } from '../../commands/import.js';
import { DATASETS } from '../../data/load.js';
import { act } from '../action.js';
import { imageSize, nameList, numberList, positiveNumber } from '../parse.js';

/** `funt-resnet import <weights> --out <file>`. */
export function importSubcommand(
  run: (weights: string, o: Omit<ImportCommandOptions, 'weights'>) => Promise<void>,
): Command {
  const cmd = new Command('import')
    .description(
      'turn a PyTorch ResNet (state_dict saved as safetensors) into a funt model for eval, saliency, fool and fine-tuning',
    )
    .argument('<weights>', 'the PyTorch weights (.safetensors)')
    .requiredOption('--out <file>', 'the funt model file to write (.safetensors)')
    .addOption(
      new Option('--dataset <name>', 'data set the model is for (eval, saliency and fool use it by default)').choices(
        DATASETS,
      ),
    )
    .addOption(
      new Option(
        '--input-size <h,w>',
        'input height and width (default: as recorded by funt-resnet export --format torch, else 32,32)',
      ).argParser(imageSize),
    )
    .option('--no-skip', 'the network was trained without shortcuts (the plain net)')
    .addOption(
      new Option(
        '--scale <x>',
        "pixel scale of PyTorch's preprocessing: input = (pixels·scale − mean) / std (default: as recorded by a funt export, else 1/255)",
      ).argParser(positiveNumber),
    )
    .option(
      '--mean <values>',
      'mean per channel (or one for all), after scaling (default: as exported, else 0)',
      numberList,
    )
    .option(
      '--std <values>',
      'std per channel (or one for all), after scaling (default: as exported, else 1)',
      numberList,
    )
    .option('--class-names <names>', 'comma-separated class names (default: as exported, else 0, 1, ...)', nameList);
  // commander sets skip to true unless --no-skip is given: true only means "not said", so the
  // command falls back to what a funt export recorded.
  return act(cmd, (weights: string, o: Omit<ImportCommandOptions, 'weights'>) =>
    run(weights, { ...o, skip: o.skip === false ? false : undefined }),
  );
}
