import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { fromTypedArray, getBackend, loadSafetensors, type Rng, type Tensor } from '@funt/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NonFiniteLossError, SolverConfigError } from './errors.js';
import { HISTORY_FILES } from './history.js';
import { Adam } from './optim/adam.js';
import { Solver, type SolverOptions } from './solver.js';
import { blobData, convNet, linearClassifier, nll, snapshot } from './testing/models.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'funt-solver-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileCounter = 0;
const tmpFile = (name: string) => path.join(tmp, `${fileCounter++}-${name}`);

const quiet: Partial<SolverOptions> = { progress: 'none', handleSignals: false };

/** Gaussian noise from the solver's augmentation generator, in place: exercises the saved Rng. */
const noise = (batch: Tensor, rng: Rng): Tensor => {
  const d = batch.data;
  for (let i = 0; i < d.length; i++) d[i] += rng.normal(0, 0.1);
  return batch;
};

describe('Solver training', () => {
  it('trains a linear classifier, records histories, keeps and restores the best parameters', async () => {
    const data = blobData(120, 60, 3, [6]);
    const model = linearClassifier(6, 3);
    const bests: number[] = [];
    const solver = new Solver(model, nll(), data, {
      ...quiet,
      batchSize: 16,
      numEpochs: 4,
      updateRule: 'sgd',
      optimConfig: { learningRate: 0.1, momentum: 0.9 },
      numTrainSamples: 50,
      events: { onBest: (r) => bests.push(r.epoch) },
    });
    const result = await solver.train();
    expect(result.status).toBe('completed');
    expect(result.epochs).toBe(4);
    expect(result.iterations).toBe(4 * 8); // ceil(120 / 16) = 8 per epoch
    const its = result.history.iterations;
    expect(its.map((r) => r.iteration)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(its[7].nImages).toBe(120); // the short last batch counts 8 images
    expect(its[31].nImages).toBe(480);
    const epochs = result.history.epochs;
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(epochs[3].valAcc).toBeGreaterThanOrEqual(0.95);
    expect(epochs[3].valTopK).toBe(1); // top-5 of 3 classes
    expect(epochs[3].meanLoss).toBeLessThan(epochs[0].meanLoss);
    expect(epochs.every((e) => e.imagesPerSecond > 0 && e.learningRate === 0.1)).toBe(true);
    expect(result.bestValAcc).toBe(Math.max(...epochs.map((e) => e.valAcc)));
    expect(bests.at(-1)).toBe(result.bestEpoch);
    const best = solver.bestModelState!;
    const now = snapshot(model);
    for (const [k, t] of Object.entries(best)) expect(now[k]).toEqual(Array.from(t.data));
    const file = tmpFile('best.safetensors');
    solver.exportBest(file, { config: '{"d":6}' });
    const exported = loadSafetensors(file);
    expect(exported.metadata.config).toBe('{"d":6}');
    expect(JSON.parse(exported.metadata['funt.best'])).toEqual({ epoch: result.bestEpoch, valAcc: result.bestValAcc });
    for (const [k, t] of Object.entries(exported.tensors)) expect(Array.from(t.data)).toEqual(now[k]);
    expect(Object.keys(exported.tensors).sort()).toEqual(Object.keys(now).sort());
  });

  it('makes every epoch one shuffled pass over the training set, without replacement', async () => {
    const n = 23;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) x[i * 2] = i; // feature 0 identifies the example
    const data = {
      xTrain: fromTypedArray(x, [n, 2]),
      yTrain: new Int32Array(n).map((_, i) => i % 2),
      xVal: fromTypedArray(x, [n, 2]),
      yVal: new Int32Array(n).map((_, i) => i % 2),
    };
    const run = async (seed: number) => {
      const seen: number[][] = [[], [], []];
      let epoch = 0;
      const solver = new Solver(linearClassifier(2, 2), nll(), data, {
        ...quiet,
        seed,
        batchSize: 5,
        numEpochs: 3,
        augment: (batch) => {
          for (let r = 0; r < batch.shape[0]; r++) seen[epoch].push(batch.data[r * 2]);
          return batch;
        },
        events: { onEpochEnd: () => epoch++ },
      });
      await solver.train();
      return seen;
    };
    const a = await run(3);
    for (const order of a) expect([...order].sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(a[0]).not.toEqual(a[1]);
    expect(await run(3)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
  });

  it('allocates no buffers during training iterations', async () => {
    const data = blobData(48, 12, 3, [1, 4, 4]);
    const model = convNet(3);
    let spy: ReturnType<typeof vi.spyOn> | null = null;
    let during = -1;
    const solver = new Solver(model, nll(), data, {
      ...quiet,
      batchSize: 8,
      numEpochs: 2,
      updateRule: 'adam',
      augment: noise,
      events: {
        onIteration: (info) => {
          // Watch from the 2nd iteration of epoch 2 to its last: every buffer exists by then.
          if (info.epoch === 1 && info.iterationInEpoch === 1) spy = vi.spyOn(getBackend().allocator, 'allocate');
          if (info.epoch === 1 && info.iterationInEpoch === info.iterationsPerEpoch) {
            during = spy!.mock.calls.length;
            spy!.mockRestore();
          }
        },
      },
    });
    await solver.train();
    expect(during).toBe(0);
  });

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

  it('checkpoints every checkpointEvery epochs and at the end', async () => {
    const written: [string, number][] = [];
    const solver = new Solver(linearClassifier(6, 3), nll(), blobData(24, 12, 3, [6]), {
      ...quiet,
      batchSize: 8,
      numEpochs: 5,
      updateRule: 'sgd',
      checkpointPath: tmpFile('every.safetensors'),
      checkpointEvery: 2,
      events: { onCheckpoint: (_, reason, s) => written.push([reason, s.history.epochs.length]) },
    });
    await solver.train();
    expect(written).toEqual([
      ['periodic', 2],
      ['periodic', 4],
      ['final', 5],
    ]);
  });

  it("applies the schedule every iteration from the rule's learning rate", async () => {
    const data = blobData(20, 10, 2, [3]);
    const rates: number[] = [];
    const solver = new Solver(linearClassifier(3, 2), nll(), data, {
      ...quiet,
      batchSize: 10,
      numEpochs: 3,
      optimConfig: { learningRate: 0.2 },
      schedule: {
        type: 'warmup',
        epochs: 1,
        startFactor: 0.5,
        then: { type: 'multistep', milestones: [2], gamma: 0.1 },
      },
      events: { onIteration: (info) => rates.push(info.learningRate) },
    });
    await solver.train();
    // Epoch 0: ramp 0.5 → 0.75 (fractional epochs 0, 0.5); epoch 1: 1; epoch 2: × 0.1.
    [0.1, 0.15, 0.2, 0.2, 0.02, 0.02].forEach((r, i) => expect(rates[i]).toBeCloseTo(r, 12));
    expect(solver.history.epochs.map((e) => e.learningRate)).toEqual([rates[0], rates[2], rates[4]]);
  });
});

describe('Solver checkpoints and resume', () => {
  const data = blobData(40, 20, 3, [1, 4, 4]);
  const options = (extra: Partial<SolverOptions>): Partial<SolverOptions> => ({
    ...quiet,
    batchSize: 8,
    numEpochs: 3,
    updateRule: 'sgd',
    optimConfig: { learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
    schedule: {
      type: 'warmup',
      epochs: 0.5,
      startFactor: 0.2,
      then: { type: 'multistep', milestones: [2], gamma: 0.1 },
    },
    augment: noise,
    numTrainSamples: 16,
    seed: 5,
    restoreBest: false,
    ...extra,
  });
  let reference: Promise<{
    params: Record<string, number[]>;
    losses: number[];
    epochs: number[];
    best: Record<string, number[]>;
  }> | null = null;
  const uninterrupted = () =>
    (reference ??= (async () => {
      const model = convNet(3);
      const solver = new Solver(model, nll(), data, options({}));
      await solver.train();
      return {
        params: snapshot(model),
        losses: solver.history.iterations.map((r) => r.loss),
        epochs: solver.history.epochs.map((e) => e.valAcc),
        best: snapshot({ stateDict: () => solver.bestModelState! }),
      };
    })());

  // 5 iterations per epoch: stop mid-epoch 1, after the last iteration of epoch 1, and mid-epoch 3.
  for (const stopAt of [3, 5, 12]) {
    it(`resuming after a stop at iteration ${stopAt} gives bit-identical parameters, buffers and histories`, async () => {
      const checkpointPath = tmpFile('resume.safetensors');
      const first = new Solver(
        convNet(3),
        nll(),
        data,
        options({
          checkpointPath,
          events: { onIteration: (info, s) => info.iteration === stopAt && s.requestStop() },
        }),
      );
      const stopped = await first.train();
      expect(stopped.status).toBe('interrupted');
      expect(stopped.iterations).toBe(stopAt);
      // A different initialisation, to show that everything comes from the checkpoint.
      const model = convNet(3, 99);
      const second = new Solver(model, nll(), data, options({ checkpointPath, resume: true }));
      const resumed = await second.train();
      expect(resumed.status).toBe('completed');
      expect(resumed.iterations).toBe(15);
      const reference = await uninterrupted();
      expect(snapshot(model)).toEqual(reference.params);
      expect(second.history.iterations.map((r) => r.loss)).toEqual(reference.losses);
      expect(second.history.epochs.map((e) => e.valAcc)).toEqual(reference.epochs);
      expect(snapshot({ stateDict: () => second.bestModelState! })).toEqual(reference.best);
    });
  }

  it('stops cleanly on SIGINT: checkpoint written, handlers removed', async () => {
    const checkpointPath = tmpFile('sigint.safetensors');
    const before = process.listenerCount('SIGINT');
    const reasons: string[] = [];
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const solver = new Solver(
      convNet(3),
      nll(),
      data,
      options({
        handleSignals: true,
        progress: 'lines',
        stream: out,
        checkpointPath,
        events: {
          onIteration: (info) =>
            info.iteration === 4 && (process.emit as (e: string, s: string) => boolean)('SIGINT', 'SIGINT'),
          onCheckpoint: (_p, reason) => reasons.push(reason),
        },
      }),
    );
    expect(process.listenerCount('SIGINT')).toBe(before);
    const result = await solver.train();
    expect(result.status).toBe('interrupted');
    expect(result.iterations).toBe(4);
    expect(reasons).toEqual(['interrupt']);
    expect(fs.existsSync(checkpointPath)).toBe(true);
    expect(text).toMatch(/SIGINT received: stopping after this iteration/);
    expect(text).toMatch(/stopped at epoch 1, iteration 4; checkpoint/);
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listenerCount('SIGTERM')).toBe(process.listenerCount('SIGTERM'));
  });

  it('stops on a NaN loss naming the iteration, leaving the last checkpoint untouched', async () => {
    const checkpointPath = tmpFile('nan.safetensors');
    let calls = 0;
    let afterEpoch1: Buffer | null = null;
    const solver = new Solver(
      linearClassifier(16, 3),
      nll(),
      { ...data, xTrain: data.xTrain.reshape([40, 16]), xVal: data.xVal.reshape([20, 16]) },
      options({
        checkpointPath,
        augment: (batch) => {
          if (++calls === 7) batch.data.fill(NaN);
          return batch;
        },
        events: { onCheckpoint: (p) => (afterEpoch1 ??= fs.readFileSync(p)) },
      }),
    );
    const error = await solver.train().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(
      /training loss became NaN at iteration 7 \(epoch 2\); stopped\. The last good checkpoint is '.*nan\.safetensors'/,
    );
    expect((error as NonFiniteLossError).iteration).toBe(7);
    expect(fs.readFileSync(checkpointPath)).toEqual(afterEpoch1);
  });

  it('writes a checkpoint when a hook fails, from which the run resumes exactly', async () => {
    const checkpointPath = tmpFile('error.safetensors');
    let calls = 0;
    const reasons: string[] = [];
    const failing = new Solver(
      convNet(3),
      nll(),
      data,
      options({
        checkpointPath,
        augment: (batch, rng) => {
          if (++calls === 9) throw new Error('augmentation exploded');
          return noise(batch, rng);
        },
        events: { onCheckpoint: (_p, reason) => reasons.push(reason) },
      }),
    );
    await expect(failing.train()).rejects.toThrow('augmentation exploded');
    expect(reasons).toEqual(['periodic', 'error']);
    const model = convNet(3, 42);
    const resumed = new Solver(model, nll(), data, options({ checkpointPath, resume: true }));
    await resumed.train();
    expect(snapshot(model)).toEqual((await uninterrupted()).params);
  });

  it('refuses a checkpoint of another rule or model, and a file that is not a checkpoint', async () => {
    const checkpointPath = tmpFile('other.safetensors');
    const s = new Solver(convNet(3), nll(), data, options({ checkpointPath, numEpochs: 1 }));
    await s.train();
    const adam = new Solver(convNet(3), nll(), data, options({ updateRule: 'adam', optimConfig: {} }));
    expect(() => adam.loadCheckpoint(checkpointPath)).toThrow(
      /was trained with update rule 'sgd', this solver uses 'adam'/,
    );
    const linear = new Solver(linearClassifier(16, 3), nll(), data, options({}));
    expect(() => linear.loadCheckpoint(checkpointPath)).toThrow(
      /holds 6 parameters .* that do not match the model's 2/,
    );
    const plain = tmpFile('plain.safetensors');
    const { saveSafetensors } = await import('@funt/tensor');
    saveSafetensors({ w: fromTypedArray([1]) }, plain);
    expect(() => s.loadCheckpoint(plain)).toThrow(/is not a funt solver checkpoint/);
  });
});

describe('Solver outputs', () => {
  const data = blobData(30, 15, 3, [4]);

  it('writes the CSV and JSON histories into historyDir', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'history-'));
    const solver = new Solver(linearClassifier(4, 3), nll(), data, {
      ...quiet,
      batchSize: 10,
      numEpochs: 2,
      historyDir: dir,
    });
    await solver.train();
    const loss = fs.readFileSync(path.join(dir, HISTORY_FILES.loss), 'utf8').trim().split('\n');
    expect(loss[0]).toBe('iteration,n_images,loss');
    expect(loss).toHaveLength(7);
    expect(loss[6]).toBe(`6,60,${solver.history.iterations[5].loss}`);
    const train = fs.readFileSync(path.join(dir, HISTORY_FILES.trainAcc), 'utf8').trim().split('\n');
    expect(train).toEqual([
      'epoch,train_acc',
      `1,${solver.history.epochs[0].trainAcc}`,
      `2,${solver.history.epochs[1].trainAcc}`,
    ]);
    const val = fs.readFileSync(path.join(dir, HISTORY_FILES.valAcc), 'utf8').trim().split('\n');
    expect(val).toEqual([
      'epoch,val_acc',
      `1,${solver.history.epochs[0].valAcc}`,
      `2,${solver.history.epochs[1].valAcc}`,
    ]);
    const json = JSON.parse(fs.readFileSync(path.join(dir, HISTORY_FILES.json), 'utf8'));
    expect(json.iterations).toHaveLength(6);
    expect(json.epochs[1].valAcc).toBe(solver.history.epochs[1].valAcc);
  });

  it('prints plain lines when the stream is not a TTY', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const solver = new Solver(linearClassifier(4, 3), nll(), data, {
      batchSize: 10,
      numEpochs: 2,
      progress: 'auto',
      printEvery: 2,
      stream: out,
      handleSignals: false,
    });
    await solver.train();
    expect(text).toMatch(/^\(epoch 1\/2, iteration 2\/3\) loss \d+\.\d{4}, lr 0\.0100, [\d.]+ img\/s$/m);
    expect(text).toMatch(/^\(epoch 1\/2, iteration 3\/3\) loss/m);
    expect(text).toMatch(
      /^epoch 2\/2: train acc [\d.]+% \(top-5 [\d.]+%\), val acc [\d.]+% \(top-5 [\d.]+%\), mean loss [\d.]+, [\d.]+ img\/s, lr 0\.0100, [\d.]+ s$/m,
    );
    expect(text).not.toContain('\x1b['); // no terminal escapes
  });

  it('draws a progress bar with loss, accuracy, images/s and ETA on a TTY', async () => {
    const out = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let text = '';
    out.on('data', (c) => (text += c));
    const solver = new Solver(linearClassifier(4, 3), nll(), data, {
      batchSize: 10,
      numEpochs: 2,
      stream: out,
      handleSignals: false,
    });
    await solver.train();
    expect(text).toMatch(/epoch 1\/2 \[[^\]]*\] \d\/3 \| loss \d+\.\d{4} \| val acc - \| [\d.]+ img\/s \| ETA /);
    expect(text).toMatch(/epoch 2\/2 \[[^\]]*\] \d\/3 \| loss [\d.]+ \| val acc [\d.]+% /);
    expect(text).toMatch(/epoch 1\/2: train acc/);
  });

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
    await fails(() => make({ xTrain: data.xTrain, yTrain: data.yTrain }), /data\.xVal must be a Tensor, got undefined/);
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
