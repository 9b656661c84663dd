import { fromTypedArray, type Tensor } from '@funt/tensor';
import { describe, expect, it, vi } from 'vitest';
import { SolverConfigError } from './errors.js';
import { Adam } from './optim/adam.js';
import { Solver } from './solver.js';
import { blobData, linearClassifier, nll } from './testing/models.js';
import { quiet } from './testing/training.js';

describe('Solver outputs', () => {
  const data = blobData(30, 15, 3, [4]);

  it('predicts in batches no larger than evalBatchSize', async () => {
    const model = linearClassifier(4, 3);
    const solver = new Solver(model, nll(), data, {
      ...quiet,
      batchSize: 10,
      numEpochs: 3,
      evalBatchSize: 4,
      optimConfig: { learningRate: 0.1 },
    });
    await solver.train();
    const spy = vi.spyOn(model, 'forward');
    const predicted = solver.predict(data.xVal);
    const proba = solver.predictProba(data.xVal);
    const ev = solver.evaluate(data.xVal, data.yVal);
    expect(Math.max(...spy.mock.calls.map(([x]) => (x as Tensor).shape[0]))).toBe(4);
    spy.mockRestore();
    expect(proba.shape).toEqual([15, 3]);
    for (let i = 0; i < 15; i++) {
      const row = Array.from(proba.data.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(row.indexOf(Math.max(...row))).toBe(predicted[i]);
    }
    expect(Array.from(ev.predictions)).toEqual(Array.from(predicted));
    expect(ev.confusion.flat().reduce((a, b) => a + b, 0)).toBe(15);
    expect(ev.top1).toBe(solver.history.epochs[2].valAcc);
    expect(ev.loss).toBeGreaterThan(0);
  });
});

describe('Solver bad input', () => {
  const data = blobData(12, 6, 3, [4]);
  const make = (d: object, o: object = {}, model: object = linearClassifier(4, 3)) =>
    new Solver(model as never, nll(), d as never, { ...quiet, ...o });
  const fails = async (build: () => Solver, message: RegExp) => {
    let error: unknown = null;
    try {
      await build().train();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SolverConfigError);
    expect((error as Error).message).toMatch(message);
  };

  it('names data whose counts or shapes do not match', async () => {
    await fails(
      () => make({ ...data, yTrain: data.yTrain.subarray(0, 10) }),
      /data\.yTrain has 10 labels but data\.xTrain has 12 examples \(shape \[12, 4\]\)/,
    );
    await fails(
      () => make({ ...data, xVal: fromTypedArray(new Float32Array(30), [6, 5]) }),
      /data\.xVal examples have shape \[5\] but data\.xTrain examples have \[4\]/,
    );
    await fails(
      () => make({ ...data, yTrain: Array.from(data.yTrain) }),
      /data\.yTrain must be an Int32Array of class indices, got an array of length 12/,
    );
    await fails(
      () => make({ ...data, xTrain: fromTypedArray(new Float32Array(12), [12]) }),
      /data\.xTrain must be N×… \(rank ≥ 2\), got shape \[12\]/,
    );
    await fails(
      () => make({ xTrain: data.xTrain, yTrain: data.yTrain }),
      /data\.xVal must be a Tensor or an ExampleSource, got undefined/,
    );
  });

  it('names labels out of range', async () => {
    const y = data.yTrain.slice();
    y[5] = 3;
    await fails(
      () => make({ ...data, yTrain: y }),
      /data\.yTrain\[5\] = 3 is out of range for a model with 3 classes \(0\.\.2\)/,
    );
    const yv = data.yVal.slice();
    yv[2] = -1;
    await fails(() => make({ ...data, yVal: yv }), /data\.yVal\[2\] = -1 is out of range/);
  });

  it('names bad options, update rules and schedules', async () => {
    await fails(() => make(data, { batchSize: 0 }), /Solver: option 'batchSize' must be an integer in \[1, ∞\), got 0/);
    await fails(() => make(data, { numEpochs: 2.5 }), /option 'numEpochs' must be an integer/);
    await fails(() => make(data, { updateRule: 'sgd_th' }), /unknown update rule "sgd_th" \(known: sgd, sgdMomentum/);
    await fails(
      () => make(data, { optimConfig: { lr: 0.1 } }),
      /update rule 'sgd': unknown option 'lr' \(known: learningRate/,
    );
    await fails(() => make(data, { bachSize: 10 }), /Solver: unknown option 'bachSize' \(known: batchSize/);
    await fails(() => make(data, { schedule: { type: 'cosine' } }), /schedule 'cosine': option 'epochs'/);
    await fails(
      () => make(data, { events: { onEpoch: () => {} } }),
      /option 'events' must be .*unknown event 'onEpoch'/,
    );
    await fails(
      () => make(data, { updateRule: new Adam(), optimConfig: { learningRate: 1 } }),
      /optimConfig applies to a named updateRule; configure the UpdateRule instance instead/,
    );
    await fails(
      () => make(data, { progress: 'fancy' }),
      /option 'progress' must be one of "auto", "bar", "lines", "none", got "fancy"/,
    );
  });

  it('names a model that cannot take the data or does not score classes', async () => {
    await fails(
      () => make(data, {}, linearClassifier(5, 3)),
      /model\.forward failed on one training example of shape \[1, 4\]: .*Linear/,
    );
    await fails(
      () => make(data, {}, { ...linearClassifier(4, 3), forward: undefined }),
      /model must have a forward\(\) method/,
    );
    const flat = linearClassifier(4, 3);
    const wrongOutput = Object.assign(Object.create(Object.getPrototypeOf(flat)), flat, {
      forward: (x: Tensor) => x.reshape([-1]),
    });
    await fails(
      () => make(data, {}, wrongOutput),
      /model output must be N×K class scores for a batch of 1, got shape \[4\]/,
    );
  });
});
