import { softmax, Tensor } from '@funt/tensor';
import { BatchGatherer } from './batch-gatherer.js';
import { numberIn, show } from './checks.js';
import type { Examples } from './data.js';
import { SolverConfigError } from './errors.js';
import { argmaxRows, ConfusionMatrix, checkScores, rankOfTrueClass } from './metrics.js';
import type { LossFunction, TrainableModel } from './model.js';

/** A batch hook: receives the gathered batch, returns the model's input (the batch itself, or a new tensor it hands over). */
export type BatchHook = (batch: Tensor) => Tensor;

/** Options of `predict`, `predictProba` and `evaluate`. */
export interface PredictOptions {
  /** Examples per forward pass (default 100): memory stays bounded whatever the data size. */
  batchSize?: number;
  /** Pre-processing applied to each gathered batch before the forward pass (e.g. a centre crop). */
  preprocess?: BatchHook;
  /** Rows of x to use, in this order (default: all). */
  indices?: ArrayLike<number>;
}

/** Options of `evaluate`. */
export interface EvaluateOptions extends PredictOptions {
  /** k of the top-k accuracy (default 5). */
  topK?: number;
  /** When given, the mean loss is computed too. */
  criterion?: LossFunction;
}

/** What `evaluate` measures on a labelled set. */
export interface Evaluation {
  /** Examples evaluated. */
  n: number;
  /** Top-1 accuracy in [0, 1]. */
  top1: number;
  /** Top-k accuracy in [0, 1] (k = `k`). */
  topK: number;
  k: number;
  /** Mean loss, when a criterion was given. */
  loss: number | null;
  /** confusion[true][predicted]. */
  confusion: number[][];
  /** The predicted class of each example. */
  predictions: Int32Array;
}

/**
 * Runs the model in evaluation mode over x (or the rows `indices`) in batches and hands each
 * batch's N×K scores to `visit`. Restores training mode afterwards when the model reports it
 * was training. A hook output other than the batch itself is disposed after use.
 */
export function forEachBatch(
  model: TrainableModel,
  x: Examples,
  options: PredictOptions,
  visit: (scores: Tensor, from: number, to: number) => void,
): number {
  const batchSize = options.batchSize ?? 100;
  const problem = numberIn(1, Infinity, { integer: true })(batchSize);
  if (problem) throw new SolverConfigError(`batchSize must be ${problem}, got ${show(batchSize)}`);
  const order = options.indices ?? null;
  const n = order ? order.length : x.shape[0];
  if (n === 0) return 0;
  const rows = x.shape[0];
  if (order) {
    for (let i = 0; i < order.length; i++) {
      if (!Number.isInteger(order[i]) || order[i] < 0 || order[i] >= rows) {
        throw new SolverConfigError(`indices[${i}] = ${order[i]} is out of range for ${rows} examples`);
      }
    }
  }
  const wasTraining = (model as { isTraining?: boolean }).isTraining === true;
  model.evaluate();
  const gatherer = new BatchGatherer(x, Math.min(batchSize, n));
  try {
    for (let from = 0; from < n; from += batchSize) {
      const to = Math.min(from + batchSize, n);
      const { x: batch } = gatherer.gather(order, from, to, null);
      const input = options.preprocess ? options.preprocess(batch) : batch;
      try {
        const scores = model.forward(input);
        checkScores(scores, to - from);
        visit(scores as Tensor, from, to);
      } finally {
        if (input !== batch) input.dispose();
      }
    }
  } finally {
    gatherer.dispose();
    if (wasTraining) model.training();
  }
  return n;
}

/** The predicted class (first maximum of the scores) of every example. */
export function predict(model: TrainableModel, x: Examples, options: PredictOptions = {}): Int32Array {
  const out = new Int32Array(options.indices ? options.indices.length : x.shape[0]);
  forEachBatch(model, x, options, (scores, from) => argmaxRows(scores, out.subarray(from)));
  return out;
}

/**
 * Class probabilities (softmax of the scores; exact for models ending in LogSoftMax too, as
 * softmax(log p) = p), N×K on the active backend.
 */
export function predictProba(model: TrainableModel, x: Examples, options: PredictOptions = {}): Tensor {
  let out: Tensor | null = null;
  forEachBatch(model, x, options, (scores, from, to) => {
    out ??= Tensor.empty([options.indices ? options.indices.length : x.shape[0], scores.shape[1]], scores.dtype);
    const rows = out.slice(from, to);
    softmax(scores, rows);
    rows.dispose();
  });
  if (!out) throw new SolverConfigError('predictProba: no examples to predict');
  return out;
}

/** Accuracy (top-1 and top-k), confusion matrix, predictions and optionally the mean loss. */
export function evaluate(model: TrainableModel, x: Examples, y: Int32Array, options: EvaluateOptions = {}): Evaluation {
  const order = options.indices ?? null;
  const n = order ? order.length : x.shape[0];
  if (!(y instanceof Int32Array)) throw new SolverConfigError(`evaluate: labels must be an Int32Array, got ${show(y)}`);
  if (y.length !== x.shape[0]) throw new SolverConfigError(`evaluate: ${y.length} labels for ${x.shape[0]} examples`);
  const k = options.topK ?? 5;
  const predictions = new Int32Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = y[order ? order[i] : i];
  const ranks = new Int32Array(n);
  let confusion: ConfusionMatrix | null = null;
  let lossSum = 0;
  forEachBatch(model, x, options, (scores, from, to) => {
    const numClasses = scores.shape[1];
    confusion ??= new ConfusionMatrix(numClasses);
    const batchLabels = labels.subarray(from, to);
    for (let i = 0; i < batchLabels.length; i++) {
      if (batchLabels[i] < 0 || batchLabels[i] >= numClasses) {
        throw new SolverConfigError(
          `evaluate: label ${batchLabels[i]} of example ${order ? order[from + i] : from + i} is out of range for ${numClasses} classes`,
        );
      }
    }
    argmaxRows(scores, predictions.subarray(from, to));
    rankOfTrueClass(scores, batchLabels, ranks.subarray(from, to));
    for (let i = from; i < to; i++) confusion.add(labels[i], predictions[i]);
    if (options.criterion) lossSum += options.criterion.forward(scores, batchLabels) * (to - from);
  });
  let top1 = 0;
  let topK = 0;
  for (let i = 0; i < n; i++) {
    if (ranks[i] === 0) top1++;
    if (ranks[i] < k) topK++;
  }
  return {
    n,
    top1: n ? top1 / n : 0,
    topK: n ? topK / n : 0,
    k,
    loss: options.criterion && n ? lossSum / n : null,
    confusion: (confusion as ConfusionMatrix | null)?.toArray() ?? [],
    predictions,
  };
}
