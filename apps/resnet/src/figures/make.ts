import type { ImageSet } from '@funt/datasets';
import type { Sequential } from '@funt/layers';
import { predictProba } from '@funt/solver';
import { Rng, type Tensor } from '@funt/tensor';
import { logProbabilities, twoBest } from '../analysis/classifier.js';
import { foolingImage } from '../analysis/fool.js';
import { saliencyMaps } from '../analysis/saliency.js';
import type { TrainTransform } from '../data/augment.js';
import { frameSet } from '../data/frame.js';
import { evalInput, type InputHooks, pixelBounds, pixelSource, rawTensor, toPixels } from '../data/hooks.js';
import type { PreparedData } from '../data/load.js';
import { splitRows } from '../data/split-source.js';
import {
  augmentedInputsFigure,
  type FoolingRow,
  filtersFigure,
  foolingFigure,
  type Misclassified,
  misclassifiedFigure,
  saliencyFigure,
} from './draw.js';

/*
 * The figures of a model on its data: runs the analyses (predictions, saliency maps, fooling
 * images) and draws what they find with ./draw.ts into the run folder.
 */

/** Pixel pictures are shown on the fixed 0–255 scale, so brightness compares across pictures. */
const PIXELS = { lo: 0, hi: 255 };
/** More misclassified images than this make the page heavy; the figure says when it is cut. */
const MAX_MISCLASSIFIED = 600;

/** The data a model sees, and how it is made: what the figures need besides the model. */
export interface FigureContext {
  data: Pick<PreparedData, 'inputShape' | 'standardization' | 'classNames'>;
  hooks: InputHooks;
}

/** Pictures of a set's rows as the network sees them (centre crop), in pixel values. */
function pixelsOf(set: ImageSet, rows: ArrayLike<number>, inputShape: [number, number, number]) {
  const [c, h, w] = inputShape;
  const raw = rawTensor(frameSet(set, h, w), rows);
  const out = { data: Float32Array.from(raw.data), shape: [rows.length, c, h, w] };
  raw.dispose();
  return out;
}

/** One training batch after augmentation. */
export function makeAugmentedInputs(
  runDir: string,
  data: PreparedData,
  transform: TrainTransform,
  seed: number,
  count = 24,
): void {
  const rng = new Rng(seed);
  const rows = rng.permutation(data.train.shape[0]).subarray(0, Math.min(count, data.train.shape[0]));
  const raw = rawTensor(splitRows(data.train, rows));
  const x = transform.augment ? transform.augment(raw, rng) : raw;
  const labels = Array.from(rows, (r) => data.train.labels[r]);
  augmentedInputsFigure(runDir, { data: x.data, shape: x.shape }, labels, data.classNames, { scaling: PIXELS });
  if (x !== raw) x.dispose();
  raw.dispose();
}

export function makeFilters(runDir: string, model: Sequential): void {
  const first = model.parameters()[0];
  filtersFigure(runDir, { data: first.value.data, shape: first.value.shape });
}

interface ValidationPredictions {
  predicted: Int32Array;
  correct: boolean[];
}

/** Every misclassified image of `set` with its two best guesses; returns the predictions. */
export function makeMisclassified(
  runDir: string,
  model: Sequential,
  ctx: FigureContext,
  set: ImageSet,
): ValidationPredictions {
  const n = set.shape[0];
  const x = pixelSource(set);
  const proba = predictProba(model, x, { preprocess: ctx.hooks.eval, batchSize: 100 });
  const k = proba.shape[1];
  const p = proba.data;
  const predicted = new Int32Array(n);
  const correct: boolean[] = [];
  const wrong: Misclassified[] = [];
  for (let i = 0; i < n; i++) {
    const { top, second } = twoBest(p, k, i);
    predicted[i] = top;
    correct.push(top === set.labels[i]);
    if (top !== set.labels[i]) {
      wrong.push({
        index: i,
        label: set.labels[i],
        top,
        topProbability: p[i * k + top],
        second,
        secondProbability: p[i * k + second],
      });
    }
  }
  proba.dispose();
  const shown = wrong.slice(0, MAX_MISCLASSIFIED);
  misclassifiedFigure(
    runDir,
    pixelsOf(
      set,
      shown.map((m) => m.index),
      ctx.data.inputShape,
    ),
    shown,
    ctx.data.classNames,
    n,
    wrong.length,
  );
  return { predicted, correct };
}

export function makeSaliency(
  runDir: string,
  model: Sequential,
  ctx: FigureContext,
  set: ImageSet,
  rows: number[],
): void {
  if (rows.length === 0) return;
  const x = evalInput(ctx.hooks, set, rows);
  const labels = rows.map((r) => set.labels[r]);
  const s = saliencyMaps(model, x, labels);
  x.dispose();
  saliencyFigure(
    runDir,
    pixelsOf(set, rows, ctx.data.inputShape),
    { data: s.maps, shape: s.shape },
    rows.map((r, i) => ({ index: r, label: labels[i], probability: s.probability[i] })),
    ctx.data.classNames,
  );
}

interface FoolingRequest {
  /** Row of `set` to start from, or null for random noise. */
  row: number | null;
  target: number;
  /** The user chose the target: keep it even when the start already reaches the threshold. */
  fixedTarget?: boolean;
}

interface FoolingSettings {
  threshold: number;
  maxSteps: number;
  stepSize: number;
  seed: number;
}

/** Fooling images for each request; returns the rows (for printing). */
export function makeFooling(
  runDir: string,
  model: Sequential,
  ctx: FigureContext,
  set: ImageSet,
  requests: FoolingRequest[],
  settings: FoolingSettings,
): FoolingRow[] {
  const bounds = pixelBounds(ctx.data);
  const shape = [1, ...ctx.data.inputShape];
  const rng = new Rng(settings.seed);
  const rows: FoolingRow[] = requests.map((req) => {
    let start: Tensor;
    if (req.row === null) {
      const noise = new Float32Array(bounds.lo.length);
      for (let i = 0; i < noise.length; i++) noise[i] = bounds.lo[i] + (bounds.hi[i] - bounds.lo[i]) * rng.next();
      start = evalInput(
        ctx.hooks,
        {
          images: toPixels(noise, bounds),
          shape: shape as [number, number, number, number],
          labels: new Int32Array(1),
          classNames: [],
        },
        [0],
      );
    } else {
      start = evalInput(ctx.hooks, set, [req.row]);
    }
    // A start the model already gives the target with enough confidence (noise often looks
    // like one digit to it) would show no distortion: aim at the next class instead.
    const p0 = logProbabilities(model, start);
    let target = req.target;
    for (let tries = 0; !req.fixedTarget && tries < p0.length && Math.exp(p0[target]) >= settings.threshold; tries++)
      target = (target + 1) % p0.length;
    const r = foolingImage(model, start, {
      target,
      threshold: settings.threshold,
      maxSteps: settings.maxSteps,
      stepSize: settings.stepSize,
      ...bounds,
    });
    const original = toPixels(start.data, bounds);
    start.dispose();
    const result = toPixels(r.image, bounds);
    return {
      from: req.row === null ? 'noise' : 'image',
      startClass: req.row === null ? null : set.labels[req.row],
      target,
      startProbability: r.startProbability,
      probability: r.probability,
      steps: r.steps,
      success: r.success,
      original: { data: original, shape },
      distortion: { data: result.map((v, i) => v - original[i]), shape },
      result: { data: result, shape },
    };
  });
  foolingFigure(runDir, rows, ctx.data.classNames, PIXELS);
  return rows;
}
