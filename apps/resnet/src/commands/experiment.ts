import { join, resolve } from 'node:path';
import { type DataOptions, loadData, type PreparedData } from '../data/load.js';
import { consoleLog, type Log } from '../log.js';
import { writeReport } from '../report/build.js';
import { stamp, writeJson } from '../run/run-folder.js';
import { type TrainOptions, trainOptions } from '../training/recipes.js';
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
  runs: RunSpec[];
  /** Options shared by the runs, per scale (before the user's overrides). */
  base: { small: Partial<TrainOptions>; full: Partial<TrainOptions> };
}

/**
 * Small: a few minutes on a laptop (a subset, a few epochs, a narrow net); full: the seed's
 * recipe (the train defaults: 160 epochs, batch 128, ×0.1 after 80 and 120) on all the data.
 */
const SMALL: Partial<TrainOptions> = {
  trainSize: 2000,
  epochs: 3,
  batchSize: 64,
  n: 2,
  filters: 8,
  schedule: { kind: 'cosine' },
  saliencyCount: 4,
};
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
      'The same depth and parameters, with the option-A shortcuts (ResNet) and without them (plain network), as in He et al. 2015, figure 6.',
    runs: [
      { name: 'resnet', options: {} },
      { name: 'plain', options: { skip: false } },
    ],
    base: { small: SMALL, full: FULL },
  },
  'pad2-vs-pad4': {
    title: 'Random crops of the image padded by 2 or by 4 pixels',
    description: 'Two crop augmentations: 32×32 windows of the image zero-padded by 2 pixels, or by 4 (He et al.).',
    runs: [
      { name: 'pad2', options: { cropPad: 2 } },
      { name: 'pad4', options: { cropPad: 4 } },
    ],
    base: { small: SMALL, full: FULL },
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
    base: { small: SMALL, full: FULL },
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
  out?: string;
  threads?: number;
  backend?: string;
  progress?: 'bar' | 'lines' | 'none';
}

/** The user's overrides; they come last, so they win over the preset's. */
function overrides(name: ExperimentName, o: ExperimentOptions): Partial<TrainOptions> {
  const { dataset, dataDir, trainSize, valSize, testSize, epochs, batchSize, lr, seed, threads, backend, progress } = o;
  return {
    dataset,
    dataDir,
    trainSize,
    valSize,
    testSize,
    epochs,
    batchSize,
    lr,
    seed,
    threads,
    backend,
    progress,
    // The option a run stands for is never overridden.
    n: name === 'depth' ? undefined : o.n,
    filters: name === 'filters' ? undefined : o.filters,
  };
}

/**
 * The train options of each run of an experiment, in order. The run's own options come after
 * the preset's base, and the user's after both, so the user's win for sizes and epochs; a run's
 * distinguishing option (e.g. n for depth) is never overridden (see overrides()).
 */
export function experimentRuns(
  name: ExperimentName,
  o: ExperimentOptions,
  dir: string,
): { name: string; options: TrainOptions }[] {
  const preset = PRESETS[name];
  const user = overrides(name, o);
  return preset.runs.map((run) => ({
    name: run.name,
    options: trainOptions(preset.base[o.scale], run.options, user, { out: join(dir, run.name) }),
  }));
}

/** experiment <name>: the preset's runs one after the other, then one comparison report. */
export async function experiment(
  name: ExperimentName,
  o: ExperimentOptions,
  log: Log = consoleLog,
): Promise<{ dir: string; report: string }> {
  const preset = PRESETS[name];
  const dir = resolve(o.out ?? join('runs', `experiment-${name}-${stamp()}`));
  log(`experiment ${name} (${o.scale} scale): ${preset.title}; ${preset.runs.length} run(s) into ${dir}`);
  const summary: { run: string; top1: number; top5: number; bestValAcc: number; minutes: number }[] = [];
  let shared: PreparedData | undefined;
  for (const run of experimentRuns(name, o, dir)) {
    const { options } = run;
    log(`\n=== run ${run.name} ===`);
    // Runs of one experiment see the same data (loaded once).
    shared ??= await loadData(options);
    const outcome = await train({ ...options, report: true }, { name: run.name, log, data: shared });
    summary.push({
      run: run.name,
      top1: outcome.results.top1,
      top5: outcome.results.top5,
      bestValAcc: outcome.result.bestValAcc,
      minutes: outcome.seconds / 60,
    });
  }
  writeJson(join(dir, 'experiment.json'), { name, scale: o.scale, title: preset.title, runs: summary });
  const report = await writeReport(
    preset.runs.map((r) => join(dir, r.name)),
    join(dir, 'report.html'),
    {
      title: `Experiment: ${preset.title}`,
      description: `${preset.description} (${o.scale} scale)`,
    },
  );
  log(`\n${'run'.padEnd(16)}${'test top-1'.padStart(12)}${'best val'.padStart(12)}${'minutes'.padStart(10)}`);
  for (const s of summary) {
    log(
      `${s.run.padEnd(16)}${`${(100 * s.top1).toFixed(2)}%`.padStart(12)}${`${(100 * s.bestValAcc).toFixed(2)}%`.padStart(12)}${s.minutes.toFixed(1).padStart(10)}`,
    );
  }
  log(`report: ${report}`);
  return { dir, report };
}
