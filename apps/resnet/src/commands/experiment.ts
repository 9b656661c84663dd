import { join, resolve } from 'node:path';
import { type DataOptions, loadData, type PreparedData } from '../data/load.js';
import { consoleLog, type Log } from '../log.js';
import { writeReport } from '../report/build.js';
import { stamp, writeJson } from '../run/run-folder.js';
import { type TrainOptions, trainOptions } from '../training/recipes.js';
import {
  configurations,
  type ExperimentSummary,
  type RunSummary,
  runSummary,
  summaryLines,
} from './experiment-summary.js';
import { train } from './train.js';

/** The experiments of the seed that the experiment command runs, by name. */
export const EXPERIMENTS = ['overfit', 'skip-vs-plain', 'pad2-vs-pad4', 'depth', 'filters', 'augment'] as const;
/** The name of one of the `EXPERIMENTS`. */
export type ExperimentName = (typeof EXPERIMENTS)[number];

/** One run of an experiment: its name and the train options that set it apart. */
interface RunSpec {
  name: string;
  options: Partial<TrainOptions>;
}

interface Preset {
  title: string;
  description: string;
  /** The compared configurations; per scale when the small scale compares other settings. */
  runs: RunSpec[] | { small: RunSpec[]; full: RunSpec[] };
  /** Options shared by the runs, per scale (before the user's overrides). */
  base: { small: Partial<TrainOptions>; full: Partial<TrainOptions> };
}

/**
 * Small: the embedded MNIST digits, a few minutes per experiment on one core of a laptop (a
 * subset, a few epochs, a narrow net); full: the seed's recipe (the train defaults: 160 epochs,
 * batch 128, ×0.1 after 80 and 120) on all the data.
 */
const SMALL: Partial<TrainOptions> = {
  trainSize: 2000,
  epochs: 4,
  batchSize: 64,
  n: 2,
  filters: 8,
  schedule: { kind: 'cosine' },
  saliencyCount: 4,
};
/**
 * Augmentation is a regulariser, so it is compared where a network overfits: fewer images seen
 * more often.
 */
const SMALL_OVERFITTING: Partial<TrainOptions> = { ...SMALL, trainSize: 1000, epochs: 12 };
const FULL: Partial<TrainOptions> = {};

const PRESETS: Record<ExperimentName, Preset> = {
  overfit: {
    title: 'Overfitting a small subset',
    description:
      'A capacity check: without augmentation or weight decay the network should drive the training error on a few hundred images to zero, while the validation error stays high.',
    runs: [{ name: 'overfit', options: { augment: false, weightDecay: 0, schedule: { kind: 'constant' } } }],
    base: {
      small: { trainSize: 200, epochs: 25, batchSize: 25, n: 2, filters: 8, lr: 0.05, saliencyCount: 4 },
      full: { trainSize: 1000, epochs: 40, batchSize: 50, lr: 0.05 },
    },
  },
  'skip-vs-plain': {
    title: 'With and without residual shortcuts',
    description:
      'The same depth and parameters, with the option-A shortcuts (ResNet) and without them (plain network), as in He et al. 2015, figure 6. The small scale runs both at 20 and at 32 layers, to show whether the plain network degrades with depth.',
    runs: {
      small: [3, 5].flatMap((n) => [
        { name: `resnet${6 * n + 2}`, options: { n } },
        { name: `plain${6 * n + 2}`, options: { n, skip: false } },
      ]),
      full: [
        { name: 'resnet', options: {} },
        { name: 'plain', options: { skip: false } },
      ],
    },
    base: { small: SMALL, full: FULL },
  },
  'pad2-vs-pad4': {
    title: 'Random crops of the image padded by 2 or by 4 pixels',
    description: 'Two crop augmentations: 32×32 windows of the image zero-padded by 2 pixels, or by 4 (He et al.).',
    runs: [
      { name: 'pad2', options: { cropPad: 2 } },
      { name: 'pad4', options: { cropPad: 4 } },
    ],
    base: { small: SMALL_OVERFITTING, full: FULL },
  },
  depth: {
    title: 'Depth: n = 1, 3 and 5 (8, 20 and 32 layers)',
    description: 'Residual networks of 6n+2 layers with the same width.',
    runs: [1, 3, 5].map((n) => ({ name: `n${n}`, options: { n } })),
    base: { small: SMALL, full: FULL },
  },
  filters: {
    title: 'Width: 8 or 16 filters in the first stage',
    description: 'The seed tried 8 starting filters on MNIST against the usual 16.',
    runs: [8, 16].map((filters) => ({ name: `filters${filters}`, options: { filters } })),
    base: { small: SMALL, full: FULL },
  },
  augment: {
    title: 'With and without data augmentation',
    description:
      'The default augmentation (random crops of the padded image, and flips for natural images) against none.',
    runs: [
      { name: 'augmented', options: {} },
      { name: 'not-augmented', options: { augment: false } },
    ],
    base: { small: SMALL_OVERFITTING, full: FULL },
  },
};

export interface ExperimentOptions extends DataOptions {
  scale: 'small' | 'full';
  epochs?: number;
  n?: number;
  filters?: number;
  batchSize?: number;
  lr?: number;
  seed: number;
  /** Run every configuration once per seed (default: once, with `seed`). */
  seeds?: number[];
  out?: string;
  /** Replace the runs an existing `out` holds (each run's `train --overwrite`); default: refuse them. */
  overwrite?: boolean;
  threads?: number;
  backend?: string;
  progress?: 'bar' | 'lines' | 'none';
}

/**
 * The user's overrides (every option but the experiment's own); they come after the preset's
 * base, but before a run's own options.
 */
function overrides(o: ExperimentOptions): Partial<TrainOptions> {
  const { scale: _scale, seeds: _seeds, out: _out, ...user } = o;
  return user;
}

/** The seeds an experiment runs each configuration with. */
function seedsOf(o: ExperimentOptions): number[] {
  return o.seeds?.length ? o.seeds : [o.seed];
}

/** One run of an experiment: its name (and folder), the configuration it repeats, its options. */
export interface ExperimentRun {
  name: string;
  configuration: string;
  options: TrainOptions;
}

/**
 * The train options of each run of an experiment, in order: every configuration with each seed
 * (named `<configuration>-seed<k>` when there are several seeds). The user's options come after
 * the preset's base, so they win for sizes and epochs, and the run's own options after both, so
 * the option a run stands for (e.g. n for depth) is never overridden.
 */
export function experimentRuns(name: ExperimentName, o: ExperimentOptions, dir: string): ExperimentRun[] {
  const preset = PRESETS[name];
  const user = overrides(o);
  const specs = Array.isArray(preset.runs) ? preset.runs : preset.runs[o.scale];
  const seeds = seedsOf(o);
  return specs.flatMap((spec) =>
    seeds.map((seed) => {
      const runName = seeds.length > 1 ? `${spec.name}-seed${seed}` : spec.name;
      return {
        name: runName,
        configuration: spec.name,
        options: trainOptions(preset.base[o.scale], user, spec.options, { seed, out: join(dir, runName) }),
      };
    }),
  );
}

/**
 * experiment <name>: the preset's runs one after the other, then one comparison report and
 * summary.json (each run's options and final metrics, and the means over seeds) beside it.
 */
export async function experiment(
  name: ExperimentName,
  o: ExperimentOptions,
  log: Log = consoleLog,
): Promise<{ dir: string; report: string; summary: ExperimentSummary }> {
  const preset = PRESETS[name];
  const dir = resolve(o.out ?? join('runs', `experiment-${name}-${stamp()}`));
  const runs = experimentRuns(name, o, dir);
  log(`experiment ${name} (${o.scale} scale): ${preset.title}; ${runs.length} run(s) into ${dir}`);
  const measured: RunSummary[] = [];
  let shared: PreparedData | undefined;
  for (const run of runs) {
    log(`\n=== run ${run.name} ===`);
    // Runs of one experiment see the same data (loaded once).
    shared ??= await loadData(run.options);
    const outcome = await train({ ...run.options, report: true }, { name: run.name, log, data: shared });
    measured.push(runSummary(run, outcome));
  }
  const groups = configurations(measured);
  const report = await writeReport(
    runs.map((r) => join(dir, r.name)),
    join(dir, 'report.html'),
    {
      title: `Experiment: ${preset.title}`,
      description: `${preset.description} (${o.scale} scale)`,
      groups: groups.length < measured.length ? groups.map((g) => ({ name: g.name, runs: g.runs })) : undefined,
    },
  );
  const summary: ExperimentSummary = {
    experiment: name,
    title: preset.title,
    scale: o.scale,
    seeds: seedsOf(o),
    createdAt: new Date().toISOString(),
    report: 'report.html',
    configurations: groups,
    runs: measured,
  };
  writeJson(join(dir, 'summary.json'), summary);
  log('');
  for (const line of summaryLines(summary)) log(line);
  log(`train, val: last epoch; test: the best validation epoch's parameters`);
  log(`summary: ${join(dir, 'summary.json')}`);
  log(`report: ${report}`);
  return { dir, report, summary };
}
