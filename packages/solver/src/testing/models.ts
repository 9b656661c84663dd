import {
  ClassNLLCriterion,
  Dropout,
  Linear,
  LogSoftMax,
  manualSeed,
  ReLU,
  Sequential,
  SpatialBatchNormalization,
  SpatialConvolution,
  View,
} from '@funt/layers';
import { fromTypedArray, Rng, type Tensor } from '@funt/tensor';
import type { TrainingData } from '../data.js';

/** Test support: small real @funt/layers models and data sets (not part of the package build). */

/** Linear → LogSoftMax on d features. */
export function linearClassifier(d: number, k: number, seed = 1): Sequential {
  manualSeed(seed);
  return new Sequential(new Linear(d, k), new LogSoftMax());
}

/** conv 3×3 → batch norm → ReLU → dropout → linear → LogSoftMax, on 1×4×4 images: every kind of state. */
export function convNet(k: number, seed = 1): Sequential {
  manualSeed(seed);
  return new Sequential(
    new SpatialConvolution(1, 3, 3, 3, 1, 1, 1, 1),
    new SpatialBatchNormalization(3),
    new ReLU(),
    new View(48).setNumInputDims(3),
    new Dropout(0.25),
    new Linear(48, k),
    new LogSoftMax(),
  );
}

export const nll = () => new ClassNLLCriterion();

/**
 * k Gaussian blobs in `shape` dimensions (flattened features): class c is centred on a
 * pattern of ±2 per feature; well separated, so a linear model reaches ~100%.
 */
export function blobData(
  nTrain: number,
  nVal: number,
  k: number,
  shape: number[],
  seed = 7,
): TrainingData & { xTrain: Tensor; xVal: Tensor } {
  const rng = new Rng(seed);
  const d = shape.reduce((a, b) => a * b, 1);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => (rng.next() < 0.5 ? -2 : 2)));
  const make = (n: number): [Tensor, Int32Array] => {
    const x = new Float32Array(n * d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % k;
      for (let j = 0; j < d; j++) x[i * d + j] = centres[y[i]][j] + rng.normal(0, 0.7);
    }
    return [fromTypedArray(x, [n, ...shape]), y];
  };
  const [xTrain, yTrain] = make(nTrain);
  const [xVal, yVal] = make(nVal);
  return { xTrain, yTrain, xVal, yVal };
}

/** Every parameter and buffer value of a model, as plain arrays (for bitwise comparisons). */
export function snapshot(model: { stateDict(): Record<string, Tensor> }): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(model.stateDict())) out[k] = Array.from(t.data);
  return out;
}
