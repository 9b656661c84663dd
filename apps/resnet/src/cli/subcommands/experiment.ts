import { Command, Option } from 'commander';
import { EXPERIMENTS, type ExperimentName, type ExperimentOptions } from '../../commands/experiment.js';
import { checkData } from '../../data/load.js';
import { act } from '../action.js';
import { dataFlags, progressFlag, runtimeFlags } from '../flag-groups.js';
import { nonNegativeInt, oneOf, positiveInt, positiveNumber, seedList } from '../parse.js';

/** `funt-resnet experiment <name>`: the preset's runs, with the user's overrides. */
export function experimentSubcommand(run: (name: ExperimentName, o: ExperimentOptions) => Promise<void>): Command {
  const cmd = new Command('experiment')
    .description("the seed's experiments: each a set of runs plus one comparison report")
    .argument('<name>', `one of ${EXPERIMENTS.join(', ')}`, oneOf(EXPERIMENTS));
  dataFlags(cmd, 'mnist');
  runtimeFlags(cmd)
    .addOption(
      new Option('--scale <size>', "small: minutes on a laptop; full: the seed's sizes")
        .choices(['small', 'full'])
        .default('small'),
    )
    .option('--epochs <k>', 'override the epochs of every run', positiveInt)
    .option('--n <n>', 'override the blocks per stage (not for depth)', positiveInt)
    .option('--filters <F>', 'override the first-stage filters (not for filters)', positiveInt)
    .option('--batch-size <k>', 'override the mini-batch size', positiveInt)
    .option('--lr <x>', 'override the learning rate', positiveNumber)
    .option('--seed <k>', 'seed', nonNegativeInt, 0)
    .option('--seeds <list>', 'run every configuration once per seed, e.g. 1,2 (overrides --seed)', seedList)
    .option('--out <dir>', 'experiment folder (default: runs/experiment-<name>-<time>)')
    .option('--overwrite', 'replace the runs an existing --out holds (default: refuse them, as train does)');
  progressFlag(cmd);
  return act(cmd, async (name: ExperimentName, o: ExperimentOptions) => {
    checkData(o);
    await run(name, o);
  });
}
