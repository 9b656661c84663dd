import { Tensor } from '@funt/tensor';
import type { Examples } from './data.js';

/**
 * Gathers rows of a source tensor (on any backend, e.g. a large data set kept in the JS heap)
 * or of an ExampleSource (uint8 pixels, a file) into ONE batch tensor on the active backend,
 * allocated once and reused for every batch, so iterations allocate no large buffers. A short
 * last batch is a cached view of its first rows.
 */
export class BatchGatherer {
  readonly batch: Tensor;
  readonly labels: Int32Array;
  private readonly rowSize: number;
  private readonly views = new Map<number, Tensor>();

  constructor(
    private readonly source: Examples,
    readonly capacity: number,
  ) {
    this.batch = Tensor.empty([capacity, ...source.shape.slice(1)], source.dtype);
    this.labels = new Int32Array(capacity);
    this.rowSize = source.shape.slice(1).reduce((a, b) => a * b, 1);
  }

  /** The examples `order[from..to)` (indices into the source) and their labels from `y`. */
  gather(
    order: ArrayLike<number> | null,
    from: number,
    to: number,
    y: Int32Array | null,
  ): { x: Tensor; y: Int32Array } {
    const n = this.checkSize(from, to);
    const source = this.source;
    const dst = this.batch.data;
    const r = this.rowSize;
    for (let k = 0; k < n; k++) {
      const i = order ? order[from + k] : from + k;
      if (source instanceof Tensor) dst.set(source.data.subarray(i * r, (i + 1) * r), k * r);
      else source.readRow(i, dst, k * r);
    }
    return this.finish(order, from, n, y);
  }

  /**
   * Like `gather`, with the rows' values already read elsewhere (a worker): `fill` writes the
   * rows `order[from..to)`, in order, into the batch's values.
   */
  gatherFrom(
    fill: (dst: Float32Array | Float64Array) => void,
    order: ArrayLike<number> | null,
    from: number,
    to: number,
    y: Int32Array | null,
  ): { x: Tensor; y: Int32Array } {
    const n = this.checkSize(from, to);
    fill(this.batch.data);
    return this.finish(order, from, n, y);
  }

  private checkSize(from: number, to: number): number {
    const n = to - from;
    if (n < 1 || n > this.capacity)
      throw new RangeError(`BatchGatherer: batch of ${n} rows does not fit capacity ${this.capacity}`);
    return n;
  }

  private finish(
    order: ArrayLike<number> | null,
    from: number,
    n: number,
    y: Int32Array | null,
  ): { x: Tensor; y: Int32Array } {
    if (y) for (let k = 0; k < n; k++) this.labels[k] = y[order ? order[from + k] : from + k];
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
