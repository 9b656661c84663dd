/**
 * What the saliency and fool commands share: a saved model used on one split of its data, and
 * an output folder laid out like a run (config.json, figures/) with a page of its figures.
 */
import { join, resolve } from 'node:path';
import type { ImageSet } from '@funt/datasets';
import { dataForModel } from '../../data/for-model.js';
import { inputHooks } from '../../data/hooks.js';
import type { DataOptions } from '../../data/load.js';
import { UsageError } from '../../errors.js';
import type { FigureContext } from '../../figures/make.js';
import type { Log } from '../../log.js';
import { loadModel } from '../../model/saved-model-file.js';
import { writeReport } from '../../report/build.js';
import { createRunFolder, RUN_FILES, writeJson } from '../../run/run-folder.js';
import { applyRuntime } from './runtime.js';

/**
 * What the saliency and fool commands share: the saved model (a run folder or a .safetensors file),
 * the split to take images from, the output folder, and the runtime (threads, backend). The data set
 * defaults to the one the model was trained on.
 */
export interface InspectionOptions extends Partial<DataOptions> {
  model: string;
  split: 'test' | 'val';
  out: string;
  threads?: number;
  backend?: string;
}

/** The model, the chosen split and an output folder laid out like a run (figures + page). */
export async function prepareInspection(o: InspectionOptions, command: string, log: Log) {
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

export function checkRows(rows: number[], set: ImageSet, flag: string): void {
  const bad = rows.find((r) => r >= set.shape[0]);
  if (bad !== undefined)
    throw new UsageError(
      `${flag} ${bad} is out of range: the split has ${set.shape[0]} images (0..${set.shape[0] - 1})`,
    );
}

export async function writePage(out: string, title: string, log: Log): Promise<string> {
  const file = await writeReport([out], resolve(out, 'index.html'), {
    title,
    description: 'Images written by funt-resnet; the PNG files are in figures/.',
  });
  log(`page: ${file}`);
  return file;
}
