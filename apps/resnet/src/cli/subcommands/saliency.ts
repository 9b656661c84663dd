import { Command, Option } from 'commander';
import type { SaliencyOptions } from '../../commands/saliency.js';
import { act } from '../action.js';
import { checkModelOnSplit, modelOnSplitFlags } from '../flag-groups.js';
import { indexList } from '../parse.js';

/** `funt-resnet saliency --model <run> --out <dir>`. */
export function saliencySubcommand(run: (o: SaliencyOptions) => Promise<void>): Command {
  const cmd = new Command('saliency').description(
    'saliency maps (gradient of the loss w.r.t. the input) for chosen images',
  );
  modelOnSplitFlags(cmd, 'run folder or .safetensors file inside one', 'which split the images come from')
    .addOption(
      new Option('--images <i,j,...>', 'indices of the images in the split')
        .argParser(indexList)
        .default([0, 1, 2, 3, 4, 5, 6, 7], '0,1,...,7'),
    )
    .requiredOption('--out <dir>', 'folder for the PNG files and an index.html');
  return act(cmd, async (o: SaliencyOptions) => {
    checkModelOnSplit(o);
    await run(o);
  });
}
