import { describe, expect, it } from 'vitest';
import type { ExampleSource } from './data.js';
import { evaluate } from './predict.js';
import { Solver } from './solver.js';
import { blobData, linearClassifier, nll, snapshot } from './testing/models.js';
import { quiet } from './testing/training.js';

/**
 * A data set given as an ExampleSource (rows converted as they are gathered, as from uint8
 * pixels or a file) trains exactly as the same data given as a tensor.
 */
describe('examples read row by row', () => {
  /** The tensor's rows served one at a time, each read counted. */
  function rowsOf(x: {
    shape: readonly number[];
    data: Float32Array | Float64Array;
  }): ExampleSource & { reads: number } {
    const size = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const source = {
      shape: x.shape,
      dtype: 'float32' as const,
      reads: 0,
      readRow(i: number, dst: Float32Array | Float64Array, offset: number) {
        source.reads++;
        dst.set(x.data.subarray(i * size, (i + 1) * size), offset);
      },
    };
    return source;
  }

  it('train and evaluate to the same bits as a tensor, reading only the rows of each batch', async () => {
    const data = blobData(90, 30, 3, [5]);
    const options = {
      ...quiet,
      batchSize: 16,
      numEpochs: 2,
      updateRule: 'sgd',
      optimConfig: { learningRate: 0.1, momentum: 0.9 },
      augment: null,
    };
    const a = linearClassifier(5, 3);
    const fromTensor = await new Solver(a, nll(), data, options).train();
    const xTrain = rowsOf(data.xTrain);
    const xVal = rowsOf(data.xVal);
    const b = linearClassifier(5, 3);
    const fromRows = await new Solver(b, nll(), { ...data, xTrain, xVal }, options).train();
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(fromRows.history.iterations.map((r) => r.loss)).toEqual(fromTensor.history.iterations.map((r) => r.loss));
    // Each epoch reads every training row once to train (plus the accuracy checks' rows).
    expect(xTrain.reads).toBeGreaterThanOrEqual(2 * 90);
    expect(evaluate(b, xVal, data.yVal).top1).toBe(evaluate(a, data.xVal, data.yVal).top1);
  });

  it('names a data set that is neither a tensor nor a source', () => {
    const data = blobData(10, 5, 2, [3]);
    expect(
      () => new Solver(linearClassifier(3, 2), nll(), { ...data, xTrain: { shape: [10, 3] } as never }, quiet),
    ).toThrow(/data\.xTrain must be a Tensor or an ExampleSource/);
  });
});
