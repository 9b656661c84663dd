import { Command, Option } from 'commander';
import type { SummaryOptions } from '../../commands/summary.js';
import { act } from '../action.js';
import { imageShape, positiveInt } from '../parse.js';
import { modelFlags } from './train.js';

/** `funt-resnet summary`: the model summary train prints, alone. */
export function summarySubcommand(run: (o: SummaryOptions) => Promise<void>): Command {
  const cmd = new Command('summary').description(
    'print the layers of a ResNet with their output shapes, parameters and multiply-accumulates per image (what train prints first)',
  );
  modelFlags(cmd)
    .addOption(
      new Option('--input-shape <c,h,w>', 'channels, height and width of one image')
        .argParser(imageShape)
        .default([3, 32, 32], '3,32,32'),
    )
    .option('--classes <k>', 'number of classes', positiveInt, 10);
  return act(cmd, (o: SummaryOptions) => run(o));
}
