import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluate } from '@funt/solver';
import { dataForModel } from '../data/for-model.js';
import { inputHooks, pixelSource } from '../data/hooks.js';
import type { DataOptions } from '../data/load.js';
import { consoleLog, type Log } from '../log.js';
import { loadModel } from '../model/saved-model-file.js';
import { type EvalResults, RUN_FILES, toResults, writeJson } from '../run/run-folder.js';
import { applyRuntime } from './shared/runtime.js';

/**
 * Options of the eval command (`evalCommand`): the saved model (a run folder or a .safetensors
 * file), the split, the batch size, and the results file to write (default: results.json in the run
 * folder; none for a bare model file). The data set defaults to the one the model was trained on.
 */
export interface EvalOptions extends Partial<DataOptions> {
  model: string;
  split: 'test' | 'val';
  batchSize: number;
  out?: string;
  threads?: number;
  backend?: string;
}

function table(r: EvalResults): string {
  const w = Math.max(5, ...r.classNames.map((n) => n.length)) + 1;
  const cell = (s: string | number) => String(s).padStart(w);
  const acc = (s: string) => s.padStart(9);
  const lines = [`${cell('t\\p')}${r.classNames.map(cell).join('')}${acc('acc')}`];
  r.confusion.forEach((row, i) =>
    lines.push(
      `${cell(r.classNames[i])}${row.map(cell).join('')}${acc(`${(100 * r.perClassAccuracy[i]).toFixed(1)}%`)}`,
    ),
  );
  return lines.join('\n');
}

/** eval: top-1, top-5, confusion matrix and per-class accuracy of a saved model. */
export async function evalCommand(o: EvalOptions, log: Log = consoleLog): Promise<EvalResults> {
  applyRuntime(o, log);
  const saved = loadModel(o.model);
  const data = await dataForModel(saved, o);
  const set = o.split === 'val' ? data.val : data.test;
  const split = o.split === 'val' || data.testSplit === 'val' ? 'val' : 'test';
  const hooks = inputHooks(data, { augment: null, stages: [] });
  const t0 = performance.now();
  const x = pixelSource(set);
  const e = evaluate(saved.model, x, set.labels, {
    preprocess: hooks.eval,
    batchSize: o.batchSize,
    topK: Math.min(5, data.classNames.length),
  });
  const seconds = (performance.now() - t0) / 1000;
  const results = toResults(e, data.classNames, split, seconds);
  log(`model: ${saved.path}`);
  log(
    `${split} split of ${data.dataset}: ${e.n} images in ${seconds.toFixed(1)} s (${(e.n / seconds).toFixed(0)} images/s)`,
  );
  log(`top-1 accuracy: ${(100 * results.top1).toFixed(2)}%   top-${e.k} accuracy: ${(100 * results.top5).toFixed(2)}%`);
  log(`confusion matrix (rows: true class, columns: predicted) and per-class accuracy:\n${table(results)}`);
  const runDir = existsSync(o.model) && statSync(o.model).isDirectory() ? o.model : null;
  const out = o.out ?? (runDir ? join(runDir, RUN_FILES.results) : undefined);
  if (out) {
    writeJson(resolve(out), results);
    log(`results: ${resolve(out)}`);
  }
  return results;
}
