import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type EpochRecord, type Evaluation, HISTORY_FILES, type IterationRecord } from '@funt/solver';
import { writeFileAtomic } from '@funt/tensor';

/**
 * The layout of a run folder. Everything a report needs is in here, as plain files, so that a
 * report can be rebuilt (or combined with other runs) long after training:
 *
 *   config.json                 the resolved command-line options, data set and model description
 *   history.json                per-iteration loss and per-epoch metrics (the solver's History)
 *   loss_history.csv            iteration,n_images,loss          (PyFunt's CSVs)
 *   train_acc_history.csv       epoch,train_acc
 *   val_acc_history.csv         epoch,val_acc
 *   checkpoint.safetensors      the latest training state (parameters, update rule, RNGs, history)
 *   best-model.safetensors      the parameters with the best validation accuracy, the input
 *                               standardisation and the model description (all eval needs)
 *   results.json                evaluation on the test split (top-1, top-5, confusion, per class)
 *   figures/<name>.json + PNGs  image figures (augmented inputs, filters, misclassified, ...)
 *   report/index.html           the self-contained report
 */
export const RUN_FILES = {
  config: 'config.json',
  history: HISTORY_FILES.json,
  checkpoint: 'checkpoint.safetensors',
  bestModel: 'best-model.safetensors',
  results: 'results.json',
  figures: 'figures',
  report: join('report', 'index.html'),
} as const;

/** The solver's History as history.json holds it (written after every epoch). */
export interface HistoryJson {
  iterations: IterationRecord[];
  epochs: EpochRecord[];
}

/**
 * Evaluation results as results.json holds them: accuracies in [0, 1], the confusion matrix and
 * per-class accuracy, for `count` images of `split`.
 */
export interface EvalResults {
  split: string;
  count: number;
  top1: number;
  top5: number;
  classNames: string[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  perClassAccuracy: number[];
  seconds?: number;
}

/** A sortable local-free timestamp for default folder names, e.g. 20261127-0912. */
export function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
}

/** Top-1, top-5, confusion matrix and per-class accuracy as results.json holds them. */
export function toResults(e: Evaluation, classNames: string[], split: string, seconds?: number): EvalResults {
  return {
    split,
    count: e.n,
    top1: e.top1,
    top5: e.topK,
    classNames,
    confusion: e.confusion,
    perClassAccuracy: e.confusion.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total ? row[i] / total : NaN;
    }),
    seconds,
  };
}

/** A picture in a figure, stored as a PNG file beside the figure's JSON. */
export interface FigureItem {
  file: string;
  caption?: string;
  /** Frames the picture: 'good' (green) or 'bad' (red), e.g. a fooling attempt's outcome. */
  tone?: 'good' | 'bad';
}

/** One figure of a run (figures.json): its pictures and how the report lays them out. */
export interface Figure {
  name: string;
  title: string;
  description?: string;
  /** 'single': one large picture (a grid already tiled); 'gallery': captioned tiles; 'rows': groups of tiles read left to right. */
  layout: 'single' | 'gallery' | 'rows';
  /** Tiles per row for 'rows' (e.g. original, distortion, result). */
  rowLength?: number;
  items: FigureItem[];
}

/** A run's config.json: its name, the command that made it, when, and that command's options. */
export interface RunConfig {
  name: string;
  command: string;
  createdAt: string;
  [key: string]: unknown;
}

/** What a run's config.json records of its data: the data set, its folder and the sizes of the three splits. */
export interface RunDataRecord {
  dataset: string;
  dataDir?: string;
  /** SFDDD's split: by driver or at random. */
  splitBy?: 'driver' | 'random';
  train: number;
  val: number;
  test: number;
}

/**
 * The data record of the run a model file belongs to (config.json beside it, as `train` writes
 * them), or null for a model file outside a run folder.
 */
export function runDataOf(modelFile: string): RunDataRecord | null {
  const path = join(dirname(resolve(modelFile)), RUN_FILES.config);
  if (!existsSync(path)) return null;
  const data = readJson<RunConfig>(path, 'run folder').data as Partial<RunDataRecord> | undefined;
  const counts = [data?.train, data?.val, data?.test];
  return data && typeof data.dataset === 'string' && counts.every((n) => Number.isInteger(n))
    ? (data as RunDataRecord)
    : null;
}

/** Creates the run folder (and its parents) and returns its absolute path. */
export function createRunFolder(dir: string): string {
  const abs = resolve(dir);
  mkdirSync(join(abs, RUN_FILES.figures), { recursive: true });
  return abs;
}

/** Writes `value` as indented JSON, atomically (a crash leaves the previous file). */
export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, [Buffer.from(`${JSON.stringify(value, null, 2)}\n`)]);
}

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new Error(`${what}: ${path} does not exist`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new Error(`${what}: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** Saves one figure: its PNGs under figures/<name>/ and its description as figures/<name>.json. */
export function writeFigure(
  runDir: string,
  figure: Omit<Figure, 'items'>,
  pictures: { png: Uint8Array; caption?: string; tone?: 'good' | 'bad' }[],
): Figure {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(figure.name)) {
    throw new Error(`writeFigure: figure name must be lower-case letters, digits and dashes, got '${figure.name}'`);
  }
  const dir = join(runDir, RUN_FILES.figures, figure.name);
  mkdirSync(dir, { recursive: true });
  const items = pictures.map((p, i) => {
    const file = join(figure.name, `${String(i).padStart(4, '0')}.png`);
    writeFileSync(join(runDir, RUN_FILES.figures, file), p.png);
    return { file, caption: p.caption, tone: p.tone };
  });
  const full: Figure = { ...figure, items };
  writeJson(join(runDir, RUN_FILES.figures, `${figure.name}.json`), full);
  return full;
}

/** Everything the report shows about one run; fields are absent when the run has not made them. */
export interface RunData {
  dir: string;
  name: string;
  config: RunConfig;
  history: HistoryJson;
  results?: EvalResults;
  figures: Figure[];
}

const FIGURE_ORDER = ['augmented-inputs', 'first-layer-filters', 'misclassified', 'saliency', 'fooling'];

/** Reads a run folder; a clear error names the folder and the missing file. */
export function readRun(dir: string): RunData {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`run folder ${abs} does not exist`);
  const config = readJson<RunConfig>(join(abs, RUN_FILES.config), `run folder ${abs}`);
  const historyPath = join(abs, RUN_FILES.history);
  const history: HistoryJson = existsSync(historyPath)
    ? readJson<HistoryJson>(historyPath, `run folder ${abs}`)
    : { iterations: [], epochs: [] };
  const resultsPath = join(abs, RUN_FILES.results);
  const results = existsSync(resultsPath) ? readJson<EvalResults>(resultsPath, `run folder ${abs}`) : undefined;
  const figDir = join(abs, RUN_FILES.figures);
  const figures = existsSync(figDir)
    ? readdirSync(figDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => readJson<Figure>(join(figDir, f), `run folder ${abs}`))
    : [];
  const rank = (n: string) => (FIGURE_ORDER.includes(n) ? FIGURE_ORDER.indexOf(n) : FIGURE_ORDER.length);
  figures.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  return { dir: abs, name: config.name || basename(abs), config, history, results, figures };
}
