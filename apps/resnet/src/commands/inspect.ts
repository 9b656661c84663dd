import { join, resolve } from 'node:path';
import type { ImageSet } from '@funt/datasets';
import { predict } from '@funt/solver';
import type { DataOptions } from '../cli/options.js';
import { UsageError } from '../cli/program.js';
import { inputHooks, rawTensor } from '../data/hooks.js';
import { loadModel, type SavedModel } from '../model/saved-model.js';
import { writeReport } from '../report/build.js';
import { type FigureContext, makeFooling, makeSaliency } from '../report/make-figures.js';
import { createRunFolder, RUN_FILES, writeJson } from '../run/run-folder.js';
import { dataForModel } from './eval.js';
import { applyRuntime, consoleLog, type Log } from './runtime.js';

export interface InspectOptions extends Partial<DataOptions> {
  model: string;
  split: 'test' | 'val';
  out: string;
  threads?: number;
  backend?: string;
}

/** The model, the chosen split and an output folder laid out like a run (figures + page). */
async function prepare(o: InspectOptions, command: string, log: Log) {
  applyRuntime(o, log);
  const saved = loadModel(o.model);
  const data = await dataForModel(saved, o);
  const set = o.split === 'val' ? data.val : data.test;
  const out = createRunFolder(o.out);
  writeJson(join(out, RUN_FILES.config), {
    name: command,
    command,
    createdAt: new Date().toISOString(),
    modelFile: saved.path,
    model: {
      ...saved.description.architecture,
      layers: 6 * saved.description.architecture.n + 2 + saved.description.architecture.hiddenDims.length,
    },
    data: { dataset: data.dataset, split: o.split },
  });
  const ctx: FigureContext = { data, hooks: inputHooks(data, { augment: null, stages: [] }) };
  return { saved, data, set, out, ctx };
}

function checkRows(rows: number[], set: ImageSet, flag: string): void {
  const bad = rows.find((r) => r >= set.shape[0]);
  if (bad !== undefined)
    throw new UsageError(
      `${flag} ${bad} is out of range: the split has ${set.shape[0]} images (0..${set.shape[0] - 1})`,
    );
}

async function page(out: string, title: string, log: Log): Promise<string> {
  const file = await writeReport([out], resolve(out, 'index.html'), {
    title,
    description: 'Images written by funt-resnet; the PNG files are in figures/.',
  });
  log(`page: ${file}`);
  return file;
}

/** saliency: maps for chosen images of a split, as PNGs and a page. */
export type SaliencyOptions = InspectOptions & { images: number[] };

export async function saliencyCommand(o: SaliencyOptions, log: Log = consoleLog): Promise<string> {
  const { saved, set, out, ctx } = await prepare(o, 'saliency', log);
  checkRows(o.images, set, '--images');
  makeSaliency(out, saved.model, ctx, set, o.images);
  log(`saliency maps of ${o.images.length} image(s) in ${join(out, RUN_FILES.figures, 'saliency')}`);
  return page(out, 'Saliency maps', log);
}

/** The first image of the set the model classifies correctly (searched in batches). */
function firstCorrect(saved: SavedModel, set: ImageSet, ctx: FigureContext): number {
  const n = set.shape[0];
  for (let from = 0; from < n; from += 200) {
    const rows = Int32Array.from({ length: Math.min(200, n - from) }, (_, i) => from + i);
    const x = rawTensor(set, rows);
    const p = predict(saved.model, x, { preprocess: ctx.hooks.eval, batchSize: 200 });
    x.dispose();
    const i = p.findIndex((c, k) => c === set.labels[rows[k]]);
    if (i >= 0) return rows[i];
  }
  throw new UsageError('the model classifies no image of this split correctly; give --image');
}

/** fool: fooling images from a correctly classified image and/or random noise. */
export type FoolCommandOptions = InspectOptions & {
  image?: number;
  target?: number;
  from: 'image' | 'noise' | 'both';
  threshold: number;
  maxSteps: number;
  stepSize: number;
  seed: number;
};

export async function foolCommand(o: FoolCommandOptions, log: Log = consoleLog): Promise<string> {
  const { saved, data, set, out, ctx } = await prepare(o, 'fool', log);
  const k = data.classNames.length;
  if (o.target !== undefined && o.target >= k)
    throw new UsageError(`--target ${o.target} is out of range: the model has ${k} classes (0..${k - 1})`);
  const useImage = o.from !== 'noise';
  let row: number | null = null;
  if (useImage) {
    if (o.image !== undefined) checkRows([o.image], set, '--image');
    row = o.image ?? firstCorrect(saved, set, ctx);
  }
  const target = o.target ?? (row !== null ? (set.labels[row] + 1) % k : 0);
  const fixedTarget = o.target !== undefined;
  const requests = [
    ...(useImage ? [{ row, target, fixedTarget }] : []),
    ...(o.from !== 'image' ? [{ row: null, target, fixedTarget }] : []),
  ];
  const rows = makeFooling(out, saved.model, ctx, set, requests, {
    threshold: o.threshold,
    maxSteps: o.maxSteps,
    stepSize: o.stepSize,
    seed: o.seed,
  });
  const name = (c: number) => data.classNames[c] ?? String(c);
  rows.forEach((r, i) => {
    const start = r.from === 'noise' ? 'random noise' : `image #${requests[i].row} (${name(r.startClass!)})`;
    log(
      `${start} → ${name(r.target)}: p ${r.startProbability.toFixed(4)} → ${r.probability.toFixed(4)} after ${r.steps} steps` +
        (r.success ? '' : ` (threshold ${o.threshold} not reached)`),
    );
  });
  log(`fooling images (original, distortion, result) in ${join(out, RUN_FILES.figures, 'fooling')}`);
  return page(out, 'Fooling images', log);
}
