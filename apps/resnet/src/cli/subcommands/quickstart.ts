import { Command } from 'commander';
import type { QuickstartOptions } from '../../commands/quickstart.js';
import { act } from '../action.js';
import { progressFlag, runtimeFlags } from '../flag-groups.js';
import { nonNegativeInt, positiveInt } from '../parse.js';

/** `funt-resnet quickstart`, the program's default command: the main job. */
export function quickstartSubcommand(run: (o: QuickstartOptions) => Promise<void>): Command {
  const cmd = new Command('quickstart').description(
    'the main job: train a ResNet on the embedded MNIST digits in a few minutes, then evaluate and report',
  );
  runtimeFlags(cmd)
    .option('--out <dir>', 'run folder (default: runs/quickstart-<time>)')
    .option('--epochs <k>', 'override the epochs', positiveInt)
    .option('--train-size <k>', 'override the training images', positiveInt)
    .option('--seed <k>', 'seed', nonNegativeInt, 0);
  progressFlag(cmd);
  return act(cmd, (o: QuickstartOptions) => run(o));
}
