import { Command } from 'commander';
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
    .option('--images <i,j,...>', 'indices of the images in the split', indexList, [0, 1, 2, 3, 4, 5, 6, 7])
    .requiredOption('--out <dir>', 'folder for the PNG files and an index.html');
  return act(cmd, async (o: SaliencyOptions) => {
    checkModelOnSplit(o);
    await run(o);
  });
}
