import type { Tensor } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { Solver } from '../solver.js';
import { blobData, linearClassifier, nll } from '../testing/models.js';
import { quiet } from '../testing/training.js';

describe('Solver accuracy checks', () => {
  it('checks accuracy on numTrainSamples training examples and the validation set, through the pre-processing hooks', async () => {
    const data = blobData(60, 30, 3, [6]);
    const seen = { train: [] as number[], val: [] as number[] };
    // The validation hook wipes the features: a linear model then scores one class for every row.
    const wipe = (batch: Tensor): Tensor => {
      seen.val.push(batch.shape[0]);
      batch.data.fill(0);
      return batch;
    };
    const solver = new Solver(linearClassifier(6, 3), nll(), data, {
      ...quiet,
      batchSize: 16,
      evalBatchSize: 8,
      numEpochs: 2,
      updateRule: 'sgd',
      optimConfig: { learningRate: 0.1, momentum: 0.9 },
      numTrainSamples: 20,
      preprocessTrain: (batch) => {
        seen.train.push(batch.shape[0]);
        return batch;
      },
      preprocessVal: wipe,
    });
    const { history } = await solver.train();
    // Per epoch: 20 training rows in batches of at most 8, and all 30 validation rows.
    expect(seen.train).toEqual([8, 8, 4, 8, 8, 4]);
    expect(seen.val).toEqual([8, 8, 8, 6, 8, 8, 8, 6]);
    expect(history.epochs[1].trainAcc).toBeGreaterThanOrEqual(0.9);
    const labels = Array.from(data.yVal);
    const largestClass = Math.max(...[0, 1, 2].map((c) => labels.filter((l) => l === c).length)) / labels.length;
    for (const e of history.epochs) expect(e.valAcc).toBeLessThanOrEqual(largestClass);
  });
});
