import type { Examples } from '../data.js';
import type { EpochRecord } from '../history.js';
import { type Evaluation, evaluate, type PredictOptions } from '../predict.js';
import { checkStateFinite } from './finite.js';
import { evalBatchSizeOf } from './options.js';
import type { TrainingRun } from './run.js';

/**
 * What ends every epoch: the accuracy checks (on `numTrainSamples` training examples drawn
 * anew, and on the first `numValSamples` validation examples), the epoch's record in the
 * history, and best-model tracking by validation accuracy. A run whose state is no longer
 * finite stops first (NonFiniteParameterError): it is never kept as the best.
 */
export function endEpoch(run: TrainingRun, iterationsPerEpoch: number, epochStart: number): EpochRecord {
  const { options: o, state, data } = run;
  checkStateFinite(run);
  const evalBatch = evalBatchSizeOf(o);
  const n = data.xTrain.shape[0];
  const m = Math.min(o.numTrainSamples, n);
  const trainSubset = m < n ? state.shuffleRng.permutation(n).subarray(0, m) : undefined;
  const nVal = data.xVal.shape[0];
  const valSubset =
    o.numValSamples !== null && o.numValSamples < nVal
      ? Int32Array.from({ length: o.numValSamples }, (_, i) => i)
      : undefined;
  const train =
    m > 0
      ? accuracy(run, data.xTrain, data.yTrain, {
          indices: trainSubset,
          batchSize: evalBatch,
          preprocess: o.preprocessTrain ?? undefined,
        })
      : null;
  const val = accuracy(run, data.xVal, data.yVal, {
    indices: valSubset,
    batchSize: evalBatch,
    preprocess: o.preprocessVal ?? undefined,
  });
  run.model.training();
  state.endEpoch();
  const record: EpochRecord = {
    epoch: state.epoch,
    trainAcc: train?.top1 ?? NaN,
    trainTopK: train?.topK ?? NaN,
    valAcc: val.top1,
    valTopK: val.topK,
    meanLoss: state.epochLossSum / iterationsPerEpoch,
    imagesPerSecond: n / Math.max(state.epochTrainSeconds, 1e-9),
    learningRate: state.epochLearningRate,
    seconds: (performance.now() - epochStart) / 1000,
  };
  run.history.epochs.push(record);
  if (run.best.consider(val.top1, state.epoch, run.model)) run.events.onBest(record);
  return record;
}

function accuracy(run: TrainingRun, x: Examples, y: Int32Array, options: PredictOptions): Evaluation {
  return evaluate(run.model, x, y, { ...options, topK: run.options.topK });
}
