import type { TrainOptions } from '../training/recipes.js';
import type { TrainOutcome } from './train.js';

/** The measured outcome of one run of an experiment, as summary.json records it. */
export interface RunSummary {
  /** The run's name and folder (relative to the experiment folder). */
  name: string;
  /** The compared configuration the run belongs to (the run's name without its seed). */
  configuration: string;
  seed: number;
  /** Every train option of the run, after the preset's and the user's. */
  options: TrainOptions;
  /** Epochs completed. */
  epochs: number;
  /** Accuracies of the last epoch, in [0, 1]: training images (a sample, no augmentation) and validation. */
  finalTrainAcc: number;
  finalValAcc: number;
  /** The epoch (1-based) whose parameters were kept, and its validation accuracy. */
  bestEpoch: number;
  bestValAcc: number;
  /** The kept (best-validation) parameters on the test split. */
  testTop1: number;
  testTop5: number;
  testCount: number;
  /** Wall-clock seconds of the epochs (accuracy checks included) and of the whole run (figures, report). */
  trainSeconds: number;
  seconds: number;
}

/** The metrics averaged over the seeds of one configuration. */
export type Metrics = Pick<
  RunSummary,
  'finalTrainAcc' | 'finalValAcc' | 'bestEpoch' | 'bestValAcc' | 'testTop1' | 'testTop5' | 'trainSeconds' | 'seconds'
>;

const METRICS: (keyof Metrics)[] = [
  'finalTrainAcc',
  'finalValAcc',
  'bestEpoch',
  'bestValAcc',
  'testTop1',
  'testTop5',
  'trainSeconds',
  'seconds',
];

/** One compared configuration: its runs (one per seed) and their mean. */
export interface ConfigurationSummary {
  name: string;
  seeds: number[];
  runs: string[];
  mean: Metrics;
}

/** summary.json: what an experiment ran and measured, for programs (the report is for people). */
export interface ExperimentSummary {
  experiment: string;
  title: string;
  scale: 'small' | 'full';
  seeds: number[];
  createdAt: string;
  /** The comparison report, relative to the experiment folder. */
  report: string;
  configurations: ConfigurationSummary[];
  runs: RunSummary[];
}

/** What one finished run measured, read from its train outcome. */
export function runSummary(
  run: { name: string; configuration: string; options: TrainOptions },
  outcome: TrainOutcome,
): RunSummary {
  const epochs = outcome.result.history.epochs;
  const last = epochs.at(-1);
  return {
    name: run.name,
    configuration: run.configuration,
    seed: run.options.seed,
    options: run.options,
    epochs: outcome.result.epochs,
    finalTrainAcc: last?.trainAcc ?? Number.NaN,
    finalValAcc: last?.valAcc ?? Number.NaN,
    bestEpoch: outcome.result.bestEpoch,
    bestValAcc: outcome.result.bestValAcc,
    testTop1: outcome.results.top1,
    testTop5: outcome.results.top5,
    testCount: outcome.results.count,
    trainSeconds: epochs.reduce((s, e) => s + e.seconds, 0),
    seconds: outcome.seconds,
  };
}

/** The runs grouped by configuration, in the order they ran, each with its mean over seeds. */
export function configurations(runs: RunSummary[]): ConfigurationSummary[] {
  const groups = new Map<string, RunSummary[]>();
  for (const r of runs) groups.set(r.configuration, [...(groups.get(r.configuration) ?? []), r]);
  return [...groups].map(([name, rs]) => ({
    name,
    seeds: rs.map((r) => r.seed),
    runs: rs.map((r) => r.name),
    mean: Object.fromEntries(METRICS.map((m) => [m, rs.reduce((s, r) => s + r[m], 0) / rs.length])) as Metrics,
  }));
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * The experiment's outcome as a text table: one row per run, and with several seeds one row of
 * means per configuration under its runs.
 */
export function summaryLines(summary: Pick<ExperimentSummary, 'configurations' | 'runs'>): string[] {
  const cols: [string, number][] = [
    ['run', 24],
    ['seed', 6],
    ['train', 9],
    ['val', 9],
    ['test', 9],
    ['best ep', 9],
    ['minutes', 9],
  ];
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(cols[i][1]) : c.padStart(cols[i][1]))).join('');
  const lines = [row(cols.map(([c]) => c))];
  const line = (name: string, seed: string, m: Metrics, epochDigits: number) =>
    row([
      name,
      seed,
      pct(m.finalTrainAcc),
      pct(m.finalValAcc),
      pct(m.testTop1),
      m.bestEpoch.toFixed(epochDigits),
      (m.seconds / 60).toFixed(1),
    ]);
  for (const c of summary.configurations) {
    const runs = summary.runs.filter((r) => r.configuration === c.name);
    for (const r of runs) lines.push(line(r.name, String(r.seed), r, 0));
    if (runs.length > 1) lines.push(line(`${c.name} (mean)`, '', c.mean, 1));
  }
  return lines;
}
