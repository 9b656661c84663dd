// Test child: trains a small classifier with checkpoints until a signal stops it (or until
// `numEpochs`), then writes the model's state dict to `modelOut` and prints the result as JSON
// on its last line. Arguments: checkpointPath modelOut [numEpochs] ['resume'].
import { ClassNLLCriterion, Linear, LogSoftMax, manualSeed, Sequential } from '@funt/layers';
import { fromTypedArray, Rng, saveSafetensors } from '@funt/tensor';
import { Solver } from '../../dist/index.js';

const [checkpointPath, modelOut, numEpochs = '1000', resume] = process.argv.slice(2);
const rng = new Rng(3);
const make = (n) => {
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (y[i] ? 1 : -1) + rng.normal(0, 1.5);
  }
  return [fromTypedArray(x, [n, 4]), y];
};
const [xTrain, yTrain] = make(200);
const [xVal, yVal] = make(40);
manualSeed(1);
const model = new Sequential(new Linear(4, 2), new LogSoftMax());
const solver = new Solver(
  model,
  new ClassNLLCriterion(),
  { xTrain, yTrain, xVal, yVal },
  {
    batchSize: 2,
    numEpochs: Number(numEpochs),
    optimConfig: { learningRate: 0.05 },
    progress: 'lines',
    printEvery: 1,
    checkpointPath,
    resume: resume === 'resume',
    // Slow each iteration down a little so that the signal arrives mid-epoch.
    augment: (batch) => {
      const until = Date.now() + 2;
      while (Date.now() < until);
      return batch;
    },
  },
);
const result = await solver.train();
saveSafetensors(model.stateDict(), modelOut);
const { status, signal, restoredBest, iterations, epochs, bestEpoch } = result;
process.stdout.write(`${JSON.stringify({ status, signal, restoredBest, iterations, epochs, bestEpoch })}\n`);
