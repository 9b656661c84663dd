import { type DType, formatShape, Tensor } from '@funt/tensor';
import { show } from './checks.js';
import { SolverConfigError } from './errors.js';

/**
 * Examples read one at a time into the batch being gathered, instead of held as one float
 * tensor: a data set kept as uint8 pixels (a quarter of the memory) or on disk, converted per
 * batch. `shape` is N×… like a tensor's; `readRow(i, dst, offset)` writes example i (its
 * shape[1..] values, in order) into `dst` from `offset`.
 */
export interface ExampleSource {
  /** N×…, as a tensor's shape. */
  readonly shape: readonly number[];
  /** The dtype of the batches gathered from it. */
  readonly dtype: DType;
  /** Writes example `i` (its shape[1..] values, in order) into `dst` from `offset`. */
  readRow(i: number, dst: Float32Array | Float64Array, offset: number): void;
  /**
   * How a worker thread opens the same rows (optional): the solver's `prepareInWorker` reads
   * the next batch's rows there while the kernels run.
   */
  readonly recipe?: ExampleSourceRecipe;
}

/**
 * How a worker opens a source that reads the same values: it imports `module` (a URL), calls
 * its export `exportName` with `args` (structured-cloneable: paths, numbers, SharedArrayBuffers).
 */
export interface ExampleSourceRecipe {
  module: string;
  exportName: string;
  args: unknown[];
}

/** Inputs N×…: a float tensor on any backend, or an ExampleSource. */
export type Examples = Tensor | ExampleSource;

/** A classification data set: inputs N×… and class indices. */
export interface TrainingData {
  xTrain: Examples;
  yTrain: Int32Array;
  xVal: Examples;
  yVal: Int32Array;
}

function isExampleSource(x: unknown): x is ExampleSource {
  const s = x as Partial<ExampleSource> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    Array.isArray(s.shape) &&
    typeof s.readRow === 'function' &&
    (s.dtype === 'float32' || s.dtype === 'float64')
  );
}

/** Checks one inputs/labels pair; `name` is 'train' or 'val'. Returns the shape of one example. */
function checkSplit(name: string, x: unknown, y: unknown): number[] {
  const xName = `x${name[0].toUpperCase()}${name.slice(1)}`;
  const yName = `y${name[0].toUpperCase()}${name.slice(1)}`;
  if (!(x instanceof Tensor) && !isExampleSource(x)) {
    throw new SolverConfigError(`data.${xName} must be a Tensor or an ExampleSource, got ${show(x)}`);
  }
  if (x instanceof Tensor && x.isDisposed) throw new SolverConfigError(`data.${xName} was disposed`);
  if (x.shape.length < 2)
    throw new SolverConfigError(`data.${xName} must be N×… (rank ≥ 2), got shape ${formatShape(x.shape)}`);
  if (x.shape[0] < 1) throw new SolverConfigError(`data.${xName} holds no examples (shape ${formatShape(x.shape)})`);
  if (!(y instanceof Int32Array)) {
    throw new SolverConfigError(`data.${yName} must be an Int32Array of class indices, got ${show(y)}`);
  }
  if (y.length !== x.shape[0]) {
    throw new SolverConfigError(
      `data.${yName} has ${y.length} labels but data.${xName} has ${x.shape[0]} examples (shape ${formatShape(x.shape)})`,
    );
  }
  return x.shape.slice(1);
}

/** Checks the whole data set: both splits, and that their examples have the same shape and dtype. */
export function checkData(data: unknown): number[] {
  if (data === null || typeof data !== 'object')
    throw new SolverConfigError(`data must be { xTrain, yTrain, xVal, yVal }, got ${show(data)}`);
  const d = data as Partial<TrainingData>;
  const train = checkSplit('train', d.xTrain, d.yTrain);
  const val = checkSplit('val', d.xVal, d.yVal);
  if (train.length !== val.length || train.some((n, i) => n !== val[i])) {
    throw new SolverConfigError(
      `data.xVal examples have shape ${formatShape(val)} but data.xTrain examples have ${formatShape(train)}`,
    );
  }
  if (d.xTrain!.dtype !== d.xVal!.dtype) {
    throw new SolverConfigError(`data.xVal is ${d.xVal!.dtype} but data.xTrain is ${d.xTrain!.dtype}`);
  }
  return train;
}

/** Names the first label outside [0, numClasses). */
export function checkLabels(name: string, y: Int32Array, numClasses: number): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= numClasses) {
      throw new SolverConfigError(
        `${name}[${i}] = ${y[i]} is out of range for a model with ${numClasses} classes (0..${numClasses - 1})`,
      );
    }
  }
}
