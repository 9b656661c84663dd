import type { AugmentOptions } from '../data/augment.js';
import type { DataOptions } from '../data/prepare.js';
import type { FreezablePart } from './init-from.js';
import type { ScheduleSpec } from './schedule.js';
import type { UpdateRuleOptions } from './update-rule.js';

/** The network a run trains. */
export interface ModelOptions {
  n: number;
  filters: number;
  skip: boolean;
  hidden: number[];
}

/** Everything a training run is configured by (the flags of `funt-resnet train`). */
export interface TrainOptions extends DataOptions, AugmentOptions, ModelOptions, UpdateRuleOptions {
  epochs: number;
  batchSize: number;
  schedule: ScheduleSpec;
  /** Linear warm-up from 0.1× the rate over this many epochs in front of the schedule (0: none). */
  warmup: number;
  /** Early stopping: stop after this many epochs without a better validation accuracy (off when absent). */
  patience?: number;
  /** Clip the gradients' global 2-norm to this before every update, as PyTorch's clip_grad_norm_ (off when absent). */
  clipGradNorm?: number;
  /** Label smoothing ε of the loss, PyTorch's label_smoothing (0: none). */
  labelSmoothing: number;
  seed: number;
  threads?: number;
  backend?: string;
  out?: string;
  checkpointEvery: number;
  /**
   * Train from the image cache in this folder (written there first from the data set when it
   * holds none): the training rows stay on disk and a worker thread reads each batch's.
   */
  dataCache?: string;
  resume: boolean;
  /** Replace the run an existing, non-empty `out` folder holds (default: refuse such a folder). */
  overwrite?: boolean;
  /** On resume, accept a changed learning rate, momentum, weight decay or augmentation. */
  allowChanges?: boolean;
  /** Start from this saved model's weights (a run folder or a model file) instead of a fresh initialisation. */
  initFrom?: string;
  /** Parts of the network whose parameters are not trained (with `initFrom`). */
  freeze?: FreezablePart[];
  /** Build the HTML report at the end (default true). */
  report: boolean;
  /** Figures: how many validation images get saliency maps, whether to make fooling images. */
  saliencyCount: number;
  fooling: boolean;
  /** Progress output: 'bar' on a terminal, 'lines' otherwise, 'none' in tests. */
  progress?: 'bar' | 'lines' | 'none';
}

/**
 * `funt-resnet train` without flags: the seed's CIFAR recipe (SGD with Nesterov momentum 0.9,
 * learning rate 0.1, weight decay 1e-4, batch 128, 160 epochs, ×0.1 after epochs 80 and 120,
 * crops of the image padded by 2). The CLI's defaults are these values; the quickstart and the
 * experiments state only what they change.
 */
export const TRAIN_DEFAULTS: TrainOptions = {
  dataset: 'mnist',
  n: 3,
  filters: 16,
  skip: true,
  hidden: [],
  cropPad: 2,
  rotate: 0,
  augment: true,
  epochs: 160,
  batchSize: 128,
  updateRule: 'nesterov',
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 1e-4,
  schedule: { kind: 'step', milestones: [80, 120], factor: 0.1 },
  warmup: 0,
  labelSmoothing: 0,
  seed: 0,
  checkpointEvery: 10,
  resume: false,
  saliencyCount: 8,
  fooling: true,
  report: true,
};

/** The train options of `TRAIN_DEFAULTS` changed by each set of changes in turn; undefined values change nothing. */
export function trainOptions(...changes: Partial<TrainOptions>[]): TrainOptions {
  const o: TrainOptions = { ...TRAIN_DEFAULTS };
  for (const change of changes) {
    for (const [key, value] of Object.entries(change)) if (value !== undefined) Object.assign(o, { [key]: value });
  }
  return o;
}

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
