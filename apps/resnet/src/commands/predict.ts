import { predictProba } from '@funt/solver';
import { inputHooks, rawTensor } from '../data/hooks.js';
import { imageFormatOf, listImageFiles, readImageFiles } from '../data/image-files.js';
import { consoleLog, type Log } from '../log.js';
import { loadModel } from '../model/saved-model-file.js';
import { applyRuntime } from './shared/runtime.js';

/** Options of the predict command: the model, the images (files or folders), how many classes to show, JSON or a table. */
export interface PredictCommandOptions {
  model: string;
  images: string[];
  top: number;
  json: boolean;
  batchSize: number;
  threads?: number;
  backend?: string;
}

/** One image's prediction: its file and its most probable classes, best first. */
export interface ImagePrediction {
  file: string;
  top: { class: string; index: number; probability: number }[];
}

function table(predictions: ImagePrediction[]): string {
  const k = predictions[0].top.length;
  const cells = predictions.map((p) => [
    p.file,
    ...p.top.map((t) => `${t.class} ${(100 * t.probability).toFixed(1).padStart(5)}%`),
  ]);
  const header = ['image', ...Array.from({ length: k }, (_, i) => (i === 0 ? 'prediction' : `#${i + 1}`))];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  return [header, ...cells]
    .map((r) =>
      r
        .map((s, c) => s.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * predict: the classes a saved model gives image files, with their probabilities. The images
 * are converted as the model's training images were (size, channels, border, standardisation,
 * all stored with the model). Prints a table, or JSON with `json`; returns the predictions.
 */
export async function predictCommand(o: PredictCommandOptions, log: Log = consoleLog): Promise<ImagePrediction[]> {
  const files = listImageFiles(o.images);
  applyRuntime(o, () => {});
  const saved = loadModel(o.model);
  const { classNames, architecture } = saved.description;
  const set = await readImageFiles(files, imageFormatOf(saved.description));
  const hooks = inputHooks(
    { inputShape: architecture.inputShape, standardization: saved.standardization },
    { augment: null, stages: [] },
  );
  const x = rawTensor(set);
  const probabilities = predictProba(saved.model, x, { batchSize: o.batchSize, preprocess: hooks.eval });
  const k = Math.min(o.top, classNames.length);
  const predictions = files.map((file, i) => {
    const row = Array.from(probabilities.data.subarray(i * classNames.length, (i + 1) * classNames.length));
    const order = row.map((_, c) => c).sort((a, b) => row[b] - row[a] || a - b);
    return {
      file,
      top: order.slice(0, k).map((c) => ({ class: classNames[c], index: c, probability: row[c] })),
    };
  });
  x.dispose();
  probabilities.dispose();
  saved.model.dispose();
  log(o.json ? JSON.stringify({ model: saved.path, predictions }, null, 2) : table(predictions));
  return predictions;
}
