import { describe, expect, it } from 'vitest';
import type { ExampleSource } from '../data.js';
import { browserPlatform } from '../platform/browser.js';
import { nodePlatform } from '../platform/node.js';
import { installPlatform } from '../platform/platform.js';
import { Solver } from '../solver.js';
import { blobData, linearClassifier, nll, snapshot } from '../testing/models.js';
import { noise, quiet } from '../testing/training.js';

const MODULE = new URL('../testing/row-source.mjs', import.meta.url).href;

/** The tensor's rows as a source with a recipe that opens the same rows in a worker. */
function rowsOf(
  x: { shape: readonly number[]; data: Float32Array | Float64Array },
  unreadable = -1,
): ExampleSource & { reads: number } {
  const values = Float32Array.from(x.data);
  const size = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const source = {
    shape: x.shape,
    dtype: 'float32' as const,
    reads: 0,
    readRow(i: number, dst: Float32Array | Float64Array, offset: number) {
      source.reads++;
      dst.set(values.subarray(i * size, (i + 1) * size), offset);
    },
    recipe: { module: MODULE, exportName: 'openRows', args: [values, [...x.shape], unreadable] },
  };
  return source;
}

describe('batch rows read in a worker (prepareInWorker)', () => {
  const data = blobData(100, 30, 3, [5]);
  const options = {
    ...quiet,
    // 100 = 6 × 16 + 4: a short last batch each epoch; three epochs: new orders between.
    batchSize: 16,
    numEpochs: 3,
    updateRule: 'sgd',
    optimConfig: { learningRate: 0.1, momentum: 0.9 },
    augment: noise,
    seed: 7,
    numTrainSamples: 0,
  };

  it('trains to the same bits as reading on the main thread: order, augmentation draws, losses, weights', async () => {
    const a = linearClassifier(5, 3);
    const here = await new Solver(a, nll(), { ...data, xTrain: rowsOf(data.xTrain) }, options).train();
    const b = linearClassifier(5, 3);
    const xTrain = rowsOf(data.xTrain);
    const there = await new Solver(b, nll(), { ...data, xTrain }, { ...options, prepareInWorker: true }).train();
    // The worker read every training row: the main thread read only the one the checks use.
    expect(xTrain.reads).toBeLessThanOrEqual(1);
    expect(there.history.iterations.length).toBe(3 * 7);
    expect(there.history.iterations.map((r) => r.loss)).toEqual(here.history.iterations.map((r) => r.loss));
    expect(snapshot(b)).toEqual(snapshot(a));
  });

  it("a row the worker cannot read stops training with the source's own message", async () => {
    const solver = new Solver(
      linearClassifier(5, 3),
      nll(),
      { ...data, xTrain: rowsOf(data.xTrain, 42) },
      {
        ...options,
        prepareInWorker: true,
      },
    );
    await expect(solver.train()).rejects.toThrow(/batch worker: rows\.bin \(byte 840\): row 42 is unreadable/);
  });

  it('refuses a tensor, a source without a recipe and a platform without workers', async () => {
    const on = { ...options, numEpochs: 1, prepareInWorker: true };
    await expect(new Solver(linearClassifier(5, 3), nll(), data, on).train()).rejects.toThrow(
      /prepareInWorker reads an ExampleSource in a worker; data\.xTrain is a Tensor/,
    );
    const { recipe: _, ...plain } = rowsOf(data.xTrain);
    await expect(new Solver(linearClassifier(5, 3), nll(), { ...data, xTrain: plain }, on).train()).rejects.toThrow(
      /prepareInWorker: data\.xTrain has no recipe/,
    );
    installPlatform(browserPlatform);
    try {
      await expect(
        new Solver(linearClassifier(5, 3), nll(), { ...data, xTrain: rowsOf(data.xTrain) }, on).train(),
      ).rejects.toThrow(/prepareInWorker needs worker threads/);
    } finally {
      installPlatform(nodePlatform);
    }
    expect(() => new Solver(linearClassifier(5, 3), nll(), data, { ...on, prepareInWorker: 'yes' as never })).toThrow(
      /prepareInWorker/,
    );
  });
});
