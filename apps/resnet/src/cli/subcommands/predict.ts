import { Command } from 'commander';
import type { PredictCommandOptions } from '../../commands/predict.js';
import { act, checkFolder } from '../action.js';
import { runtimeFlags } from '../flag-groups.js';
import { positiveInt } from '../parse.js';

/** `funt-resnet predict --model <run|file> <images...>`. */
export function predictSubcommand(run: (o: PredictCommandOptions) => Promise<void>): Command {
  const cmd = new Command('predict')
    .description(
      'classify image files (PNG, JPEG, PPM; any size, grey or colour) with a saved model, converted as its training images were',
    )
    .argument('<images...>', 'image files, or folders of them')
    .requiredOption('--model <path>', 'run folder (uses its best model) or a saved .safetensors model')
    .option('--top <k>', 'classes shown per image, most probable first', positiveInt, 3)
    .option('--json', 'print JSON (file, then class, index and probability of each of the top classes)', false)
    .option('--batch-size <k>', 'images per forward pass', positiveInt, 64);
  runtimeFlags(cmd);
  return act(cmd, async (images: string[], o: Omit<PredictCommandOptions, 'images'>) => {
    checkFolder('--model', o.model);
    await run({ ...o, images });
  });
}
