import { Command } from 'commander';
import type { EvalOptions } from '../../commands/eval.js';
import { act } from '../action.js';
import { checkModelOnSplit, modelOnSplitFlags } from '../flag-groups.js';
import { positiveInt } from '../parse.js';

/** `funt-resnet eval --model <run>`. */
export function evalSubcommand(run: (o: EvalOptions) => Promise<void>): Command {
  const cmd = new Command('eval').description(
    'evaluate a saved model: top-1, top-5, confusion matrix, per-class accuracy',
  );
  modelOnSplitFlags(cmd, 'run folder (uses its best model) or a .safetensors file inside one', 'which split')
    .option('--batch-size <k>', 'images per forward pass', positiveInt, 256)
    .option('--out <file>', 'write the results as JSON here (default: <run>/results.json)');
  return act(cmd, async (o: EvalOptions) => {
    checkModelOnSplit(o);
    await run(o);
  });
}
