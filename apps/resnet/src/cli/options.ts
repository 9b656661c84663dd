import type { ScheduleSpec } from './schedule.js';

/** The data sets the CLI can load; `synthetic` is a small generated set for tests and demos. */
export const DATASETS = [
  'mnist',
  'mnist-idx',
  'kaggle-csv',
  'cifar10',
  'sfddd',
  'tiny-imagenet',
  'gtsrb',
  'synthetic',
] as const;
export type DatasetName = (typeof DATASETS)[number];

export const UPDATE_RULES = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'] as const;
export type UpdateRuleName = (typeof UPDATE_RULES)[number];

export const NOISE_KINDS = ['gaussian', 'salt-pepper', 'speckle'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

export const EXPERIMENTS = ['overfit', 'skip-vs-plain', 'pad2-vs-pad4', 'depth', 'filters', 'augment'] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];

/** Where the data comes from and how much of it is used. */
export interface DataOptions {
  dataset: DatasetName;
  dataDir?: string;
  /** Use only the first k training images (after the validation split). */
  trainSize?: number;
  valSize?: number;
  testSize?: number;
}

export interface AugmentOptions {
  /** Horizontal flips of half the batch; undefined = the data set's default (on for natural images). */
  flip?: boolean;
  /** Random crops of the image padded by this many pixels (0 = none). */
  cropPad: number;
  rotate: number;
  contrast?: [number, number];
  tint?: number;
  noise?: { kind: NoiseKind; amount: number };
  elastic?: [number, number];
  /** false turns every augmentation off. */
  augment: boolean;
}

export interface ModelOptions {
  n: number;
  filters: number;
  skip: boolean;
  hidden: number[];
}

export interface TrainOptions extends DataOptions, AugmentOptions, ModelOptions {
  epochs: number;
  batchSize: number;
  updateRule: UpdateRuleName;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: ScheduleSpec;
  seed: number;
  threads?: number;
  backend?: string;
  out?: string;
  checkpointEvery: number;
  resume: boolean;
  /** Build the HTML report at the end (default true). */
  report: boolean;
  /** Figures: how many validation images get saliency maps, whether to make fooling images. */
  saliencyCount: number;
  fooling: boolean;
  /** Progress output: 'bar' on a terminal, 'lines' otherwise, 'none' in tests. */
  progress?: 'bar' | 'lines' | 'none';
}

export interface EvalOptions extends DataOptions {
  model: string;
  split: 'test' | 'val';
  batchSize: number;
  out?: string;
  threads?: number;
  backend?: string;
}
