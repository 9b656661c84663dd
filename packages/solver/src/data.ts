import { formatShape, Tensor } from '@funt/tensor';
import { show } from './checks.js';
import { SolverConfigError } from './errors.js';

/** A classification data set: inputs N×… (float tensors on any backend) and class indices. */
export interface TrainingData {
  xTrain: Tensor;
  yTrain: Int32Array;
  xVal: Tensor;
  yVal: Int32Array;
}

/** Checks one inputs/labels pair; `name` is 'train' or 'val'. Returns the shape of one example. */
export function checkSplit(name: string, x: unknown, y: unknown): number[] {
  const xName = `x${name[0].toUpperCase()}${name.slice(1)}`;
  const yName = `y${name[0].toUpperCase()}${name.slice(1)}`;
  if (!(x instanceof Tensor)) throw new SolverConfigError(`data.${xName} must be a Tensor, got ${show(x)}`);
  if (x.isDisposed) throw new SolverConfigError(`data.${xName} was disposed`);
  if (x.rank < 2)
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

/**
 * Gathers rows of a source tensor (on any backend, e.g. a large data set kept in the JS heap)
 * into ONE batch tensor on the active backend, allocated once and reused for every batch, so
 * iterations allocate no large buffers. A short last batch is a cached view of its first rows.
 */
export class BatchGatherer {
  readonly batch: Tensor;
  readonly labels: Int32Array;
  private readonly rowSize: number;
  private readonly views = new Map<number, Tensor>();

  constructor(
    private readonly source: Tensor,
    readonly capacity: number,
  ) {
    this.batch = Tensor.empty([capacity, ...source.shape.slice(1)], source.dtype);
    this.labels = new Int32Array(capacity);
    this.rowSize = source.size / source.shape[0];
  }

  /** The examples `order[from..to)` (indices into the source) and their labels from `y`. */
  gather(
    order: ArrayLike<number> | null,
    from: number,
    to: number,
    y: Int32Array | null,
  ): { x: Tensor; y: Int32Array } {
    const n = to - from;
    if (n < 1 || n > this.capacity)
      throw new RangeError(`BatchGatherer: batch of ${n} rows does not fit capacity ${this.capacity}`);
    const src = this.source.data;
    const dst = this.batch.data;
    const r = this.rowSize;
    for (let k = 0; k < n; k++) {
      const i = order ? order[from + k] : from + k;
      dst.set(src.subarray(i * r, (i + 1) * r), k * r);
      if (y) this.labels[k] = y[i];
    }
    return { x: this.view(n), y: this.labels.subarray(0, n) };
  }

  private view(n: number): Tensor {
    if (n === this.capacity) return this.batch;
    let v = this.views.get(n);
    if (!v) {
      v = this.batch.slice(0, n);
      this.views.set(n, v);
    }
    return v;
  }

  dispose(): void {
    for (const v of this.views.values()) v.dispose();
    this.views.clear();
    this.batch.dispose();
  }
}
