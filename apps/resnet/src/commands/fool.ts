import { join } from 'node:path';
import type { ImageSet } from '@funt/datasets';
import { predict } from '@funt/solver';
import { rawTensor } from '../data/hooks.js';
import { UsageError } from '../errors.js';
import { type FigureContext, makeFooling } from '../figures/make.js';
import { consoleLog, type Log } from '../log.js';
import type { SavedModel } from '../model/saved-model.js';
import { RUN_FILES } from '../run/run-folder.js';
import { checkRows, type InspectionOptions, prepareInspection, writePage } from './shared/inspection.js';

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

/**
 * Options of the fool command (`foolCommand`): the image to start from (default: the first correctly
 * classified one) and/or noise, the target class (default: the class after the image's label, 0 from
 * noise alone), and the steps of `foolingImage`.
 */
export type FoolCommandOptions = InspectionOptions & {
  image?: number;
  target?: number;
  from: 'image' | 'noise' | 'both';
  threshold: number;
  maxSteps: number;
  stepSize: number;
  seed: number;
};

/** fool: fooling images from a correctly classified image and/or random noise. */
export async function foolCommand(o: FoolCommandOptions, log: Log = consoleLog): Promise<string> {
  const { saved, data, set, out, ctx } = await prepareInspection(o, 'fool', log);
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
  return writePage(out, 'Fooling images', log);
}
