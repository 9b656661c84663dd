import { Command, Option } from 'commander';
import type { FoolCommandOptions } from '../../commands/fool.js';
import { act } from '../action.js';
import { checkModelOnSplit, modelOnSplitFlags } from '../flag-groups.js';
import { nonNegativeInt, positiveInt, positiveNumber, probability } from '../parse.js';

/** `funt-resnet fool --model <run> --out <dir>`. */
export function foolSubcommand(run: (o: FoolCommandOptions) => Promise<void>): Command {
  const cmd = new Command('fool').description(
    'fooling images: gradient steps on the input until the model says the target class',
  );
  modelOnSplitFlags(cmd, 'run folder or .safetensors file inside one', 'which split the image comes from')
    .option(
      '--image <i>',
      'index of the starting image in the split (default: the first correctly classified one)',
      nonNegativeInt,
    )
    .option('--target <class>', 'target class index (default: one other than the true class)', nonNegativeInt)
    .addOption(
      new Option('--from <start>', 'start from a correctly classified image, from random noise, or both')
        .choices(['image', 'noise', 'both'])
        .default('both'),
    )
    .option('--threshold <p>', 'stop when the target probability reaches p', probability, 0.99)
    .option('--max-steps <k>', 'give up after k gradient steps', positiveInt, 500)
    .option('--step-size <x>', 'how far each pixel moves per step, as a fraction of its range', positiveNumber, 0.01)
    .option('--seed <k>', 'seed of the noise start', nonNegativeInt, 0)
    .requiredOption('--out <dir>', 'folder for the PNG files and an index.html');
  return act(cmd, async (o: FoolCommandOptions) => {
    checkModelOnSplit(o);
    await run(o);
  });
}
