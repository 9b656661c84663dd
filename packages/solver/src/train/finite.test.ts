import * as fs from 'node:fs';
import {
  BatchNormalization,
  ClassNLLCriterion,
  Linear,
  LogSoftMax,
  manualSeed,
  ReLU,
  Sequential,
  Tanh,
} from '@funt/layers';
import { fromTypedArray, mul } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import type { TrainingData } from '../data.js';
import { DivergenceError, NonFiniteLossError, NonFiniteParameterError, SolverConfigError } from '../errors.js';
import { Solver, type SolverOptions } from '../solver.js';
import { blobData, linearClassifier } from '../testing/models.js';
import { quiet, temporaryFolder } from '../testing/training.js';
import { readCheckpointFile, writeCheckpointFile } from './checkpoint-file.js';
import { firstNonFinite } from './finite.js';

const { file: tmpFile } = temporaryFolder('funt-finite-');

/** Linear → batch norm → activation → Linear → LogSoftMax on 4 features, 3 classes. */
function bnNet(activation: 'relu' | 'tanh') {
  manualSeed(1);
  return new Sequential(
    new Linear(4, 8),
    new BatchNormalization(8),
    activation === 'relu' ? new ReLU() : new Tanh(),
    new Linear(8, 3),
    new LogSoftMax(),
  );
}

const data = blobData(60, 30, 3, [4]);

/** Trains and returns the error train() rejects with (null when it completes). */
async function failure(model: Sequential, options: Partial<SolverOptions>, on: TrainingData = data): Promise<unknown> {
  const solver = new Solver(model, new ClassNLLCriterion(), on, { ...quiet, batchSize: 10, numEpochs: 3, ...options });
  return solver.train().then(
    () => null,
    (e: unknown) => e,
  );
}

describe('non-finite values', () => {
  it('firstNonFinite names the first NaN or ±∞ in order', () => {
    const a = { name: 'a', value: fromTypedArray([1, -2, 3e38]) };
    const b = { name: 'b', value: fromTypedArray([0, Infinity, NaN]) };
    expect(firstNonFinite([a])).toBeNull();
    expect(firstNonFinite([a, b])).toEqual({ name: 'b', index: 1, value: Infinity });
    b.value.data[0] = Number.NaN;
    expect(firstNonFinite([b, a])).toEqual({ name: 'b', index: 0, value: NaN });
  });

  it('stops at the end of the epoch when a parameter is non-finite although the loss is finite', async () => {
    // A first-layer weight made NaN in the middle of epoch 2: ReLU turns the unit's NaN into 0,
    // so the loss stays finite, and the weight's gradient is 0, so it stays NaN.
    manualSeed(1);
    const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3), new LogSoftMax());
    const losses: number[] = [];
    const error = await failure(model, {
      optimConfig: { learningRate: 0.1 },
      events: {
        onIteration: (info) => {
          losses.push(info.loss);
          if (info.iteration === 8) model.parameters()[0].value.data[5] = Number.NaN;
        },
      },
    });
    expect(error).toBeInstanceOf(NonFiniteParameterError);
    expect(error).toBeInstanceOf(DivergenceError);
    const e = error as NonFiniteParameterError;
    expect(e).toMatchObject({ parameter: '0.weight', index: 5, iteration: 12, epoch: 2 });
    expect(e.value).toBeNaN();
    expect(e.message).toMatch(
      /^model tensor '0\.weight' holds NaN \(element 5\) after iteration 12 \(epoch 2\); stopped\. No checkpoint was written\./,
    );
    expect(losses).toHaveLength(12);
    expect(losses.every(Number.isFinite)).toBe(true);
  });

  it('never keeps a non-finite batch-norm statistic as the best model or in a checkpoint', async () => {
    // Tanh after batch norm keeps the loss finite for the whole run while the running variance
    // overflows: without the check the run completes and keeps ∞ as its best model.
    const checkpointPath = tmpFile('never.safetensors');
    const model = bnNet('tanh');
    const error = await failure(model, { optimConfig: { learningRate: 1e20 }, checkpointPath });
    expect(error).toBeInstanceOf(NonFiniteParameterError);
    const e = error as NonFiniteParameterError;
    expect(e.parameter).toBe('1.running_var');
    expect(e.epoch).toBe(1);
    expect(e.iteration).toBe(6); // found at the end of the first epoch of 6 iterations
    expect(fs.existsSync(checkpointPath)).toBe(false);
  });

  it('names the last good checkpoint, which holds only finite values, when a later epoch diverges', async () => {
    const checkpointPath = tmpFile('last-good.safetensors');
    let afterEpoch1: Buffer | null = null;
    const model = bnNet('tanh');
    // Epoch 1 at lr 0.1, then 1e20.
    const error = await failure(model, {
      optimConfig: { learningRate: 0.1 },
      schedule: { type: 'multistep', milestones: [1], gamma: 1e21 },
      checkpointPath,
      events: { onCheckpoint: (p) => (afterEpoch1 ??= fs.readFileSync(p)) },
    });
    expect(error).toBeInstanceOf(NonFiniteParameterError);
    expect((error as Error).message).toMatch(
      /holds Infinity \(element \d+\) after iteration 12 \(epoch 2\); stopped\. The last good checkpoint is '.*last-good\.safetensors'/,
    );
    expect(fs.readFileSync(checkpointPath)).toEqual(afterEpoch1);
    const { model: m, optimizer, best, state } = readCheckpointFile(checkpointPath);
    expect(state.epoch).toBe(1);
    expect(
      firstNonFinite([m, optimizer, best!].flatMap((g) => Object.entries(g).map(([name, value]) => ({ name, value })))),
    ).toBeNull();
  });

  it("stops when the update rule's state overflows while parameters and loss stay finite", async () => {
    // Inputs of 1e20 make gradients of ~1e20 whose squares overflow Adam's second moment; the
    // step m/(√v + ε) is then 0, so the parameters and the loss stay finite.
    const big = { ...data, xTrain: mul(data.xTrain, 1e20), xVal: mul(data.xVal, 1e20) };
    manualSeed(1);
    const error = await failure(
      new Sequential(new Linear(4, 3), new LogSoftMax()),
      { updateRule: 'adam', optimConfig: { learningRate: 1e4 } },
      big,
    );
    expect(error).toBeInstanceOf(NonFiniteParameterError);
    expect((error as NonFiniteParameterError).parameter).toMatch(/^optim\/\d+\/v$/);
    expect((error as Error).message).toMatch(/^update-rule state 'optim\/\d+\/v' holds Infinity/);
  });

  it('a NaN loss is a DivergenceError too', async () => {
    let calls = 0;
    const error = await failure(linearClassifier(4, 3), {
      augment: (batch) => {
        if (++calls === 2) batch.data.fill(Number.NaN);
        return batch;
      },
    });
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error).toBeInstanceOf(DivergenceError);
  });

  it('refuses to resume from a checkpoint that holds a non-finite value', async () => {
    const good = tmpFile('good.safetensors');
    await failure(bnNet('relu'), { checkpointPath: good, numEpochs: 1 });
    const contents = readCheckpointFile(good);
    contents.model['3.bias'].data[2] = Number.NaN;
    const bad = tmpFile('bad.safetensors');
    writeCheckpointFile(bad, contents);
    const solver = new Solver(bnNet('relu'), new ClassNLLCriterion(), data, { ...quiet, batchSize: 10 });
    expect(() => solver.loadCheckpoint(bad)).toThrow(SolverConfigError);
    expect(() => solver.loadCheckpoint(bad)).toThrow(
      /checkpoint '.*bad\.safetensors': tensor 'model\/3\.bias' holds NaN \(element 2\); a diverged run cannot be resumed/,
    );
  });
});
