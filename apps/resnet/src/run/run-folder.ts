import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
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

/**
 * Reads a run folder; a clear error names the file that is missing, not JSON, or not shaped as
 * this module describes (so that the report never meets a value of another type).
 */
export function readRun(dir: string): RunData {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`run folder ${abs} does not exist`);
  const configPath = join(abs, RUN_FILES.config);
  const config = readJson<RunConfig>(configPath, `run folder ${abs}`);
  check(isRecord(config), configPath, 'is not a JSON object');
  const historyPath = join(abs, RUN_FILES.history);
  const history: HistoryJson = existsSync(historyPath)
    ? readJson<HistoryJson>(historyPath, `run folder ${abs}`)
    : { iterations: [], epochs: [] };
  checkHistory(history, historyPath);
  const resultsPath = join(abs, RUN_FILES.results);
  const results = existsSync(resultsPath) ? readJson<EvalResults>(resultsPath, `run folder ${abs}`) : undefined;
  if (results !== undefined) checkResults(results, resultsPath);
  const figDir = join(abs, RUN_FILES.figures);
  const figures = existsSync(figDir)
    ? readdirSync(figDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => {
          const path = join(figDir, f);
          const figure = readJson<Figure>(path, `run folder ${abs}`);
          checkFigure(figure, path, abs);
          return figure;
        })
    : [];
  const rank = (n: string) => (FIGURE_ORDER.includes(n) ? FIGURE_ORDER.indexOf(n) : FIGURE_ORDER.length);
  figures.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  const name = typeof config.name === 'string' && config.name ? config.name : basename(abs);
  return { dir: abs, name, config, history, results, figures };
}

/**
 * The file of a figure's picture: inside the run's figures folder, after following links. A
 * figures.json naming any other file (`../../etc/passwd`, an absolute path, a link out of the
 * folder) is refused, so a report never embeds a file from outside its run.
 */
export function figureFile(runDir: string, file: string): string {
  const figDir = join(runDir, RUN_FILES.figures);
  const path = resolve(figDir, file);
  const inside = (p: string, folder: string) => p.startsWith(folder + sep);
  if (!inside(path, figDir) || (existsSync(path) && !inside(realpathSync(path), realpathSync(figDir)))) {
    throw new Error(`run folder ${runDir}: figure picture '${file}' is outside ${figDir}`);
  }
  return path;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function check(ok: boolean, path: string, problem: string): asserts ok {
  if (!ok) throw new Error(`${path}${problem.startsWith(':') ? '' : ' '}${problem}`);
}

const isNumber = (v: unknown) => typeof v === 'number' || v === null; // JSON writes NaN as null
const isOptionalString = (v: unknown) => v === undefined || typeof v === 'string';

/** Every record of a list is an object whose `fields` are numbers. */
function checkRecords(list: unknown, path: string, what: string, fields: string[]): void {
  check(Array.isArray(list), path, `: '${what}' is not a list`);
  list.forEach((r, i) => {
    check(isRecord(r), path, `: ${what}[${i}] is not an object`);
    for (const f of fields) check(r[f] === undefined || isNumber(r[f]), path, `: ${what}[${i}].${f} is not a number`);
  });
}

function checkHistory(h: unknown, path: string): asserts h is HistoryJson {
  check(isRecord(h), path, 'is not a JSON object');
  checkRecords(h.iterations, path, 'iterations', ['iteration', 'nImages', 'loss', 'learningRate']);
  checkRecords(h.epochs, path, 'epochs', [
    'epoch',
    'trainAcc',
    'valAcc',
    'meanLoss',
    'imagesPerSecond',
    'learningRate',
    'seconds',
  ]);
}

function checkResults(r: unknown, path: string): asserts r is EvalResults {
  check(isRecord(r), path, 'is not a JSON object');
  for (const f of ['count', 'top1', 'top5']) check(isNumber(r[f]), path, `: '${f}' is not a number`);
  check(r.seconds === undefined || isNumber(r.seconds), path, ": 'seconds' is not a number");
  check(typeof r.split === 'string', path, ": 'split' is not a string");
  const names = r.classNames;
  check(
    Array.isArray(names) && names.every((n) => typeof n === 'string'),
    path,
    ": 'classNames' is not a list of names",
  );
  const k = names.length;
  const numbers = (v: unknown, n: number) => Array.isArray(v) && v.length === n && v.every(isNumber);
  check(
    Array.isArray(r.confusion) && r.confusion.length === k && r.confusion.every((row) => numbers(row, k)),
    path,
    `: 'confusion' is not a ${k}×${k} table of numbers`,
  );
  check(numbers(r.perClassAccuracy, k), path, `: 'perClassAccuracy' is not a list of ${k} numbers`);
}

function checkFigure(f: unknown, path: string, runDir: string): asserts f is Figure {
  check(isRecord(f), path, 'is not a JSON object');
  check(typeof f.name === 'string' && typeof f.title === 'string', path, ': a figure needs a name and a title');
  check(isOptionalString(f.description), path, ": 'description' is not a string");
  check(['single', 'gallery', 'rows'].includes(f.layout as string), path, ": 'layout' is not single, gallery or rows");
  check(
    f.rowLength === undefined || (Number.isInteger(f.rowLength) && (f.rowLength as number) >= 1),
    path,
    ": 'rowLength' is not a positive integer",
  );
  check(Array.isArray(f.items), path, ": 'items' is not a list");
  f.items.forEach((item, i) => {
    check(isRecord(item) && typeof item.file === 'string', path, `: items[${i}] has no file`);
    check(isOptionalString(item.caption), path, `: items[${i}].caption is not a string`);
    check(
      item.tone === undefined || item.tone === 'good' || item.tone === 'bad',
      path,
      `: items[${i}].tone is not good or bad`,
    );
    figureFile(runDir, item.file);
  });
}
