import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromTypedArray, getBackend, loadSafetensors } from '@funt/tensor';
import { describe, expect, it, vi } from 'vitest';
import { SolverConfigError } from '../errors.js';
import { HISTORY_FILES } from '../history.js';
import { ONE_CYCLE_DEFAULTS } from '../schedule/one-cycle.js';
import type { ScheduleState } from '../schedule/schedule.js';
import { Solver, type SolverOptions } from '../solver.js';
import { blobData, convNet, linearClassifier, nll, snapshot } from '../testing/models.js';
import { pytorchOneCycle } from '../testing/pytorch.js';
import { noise, quiet, stopAfter, temporaryFolder } from '../testing/training.js';

const { dir: tmp, file: tmpFile } = temporaryFolder('funt-loop-');

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

  describe('with a history folder', () => {
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
  });
});

describe('schedules in training', () => {
  // 20 examples in batches of 3: 7 iterations per epoch, the last one of 2 examples.
  const data = blobData(20, 10, 2, [3]);
  const oneCycle = { type: 'onecycle', epochs: 3, pctStart: 0.25, threePhase: true } as const;
  const options = (extra: Partial<SolverOptions>): Partial<SolverOptions> => ({
    ...quiet,
    batchSize: 3,
    numEpochs: 3,
    optimConfig: { learningRate: 0.4, momentum: 0.9, dampening: 0 },
    ...extra,
  });
  const record = async (extra: Partial<SolverOptions>) => {
    const seen: [number, number | null][] = [];
    const model = linearClassifier(3, 2);
    const solver = new Solver(
      model,
      nll(),
      data,
      options({ ...extra, events: { onIteration: (info) => seen.push([info.learningRate, info.momentum]) } }),
    );
    await solver.train();
    return { seen, solver, params: snapshot(model) };
  };
  const o = { ...ONE_CYCLE_DEFAULTS, epochs: 3, pctStart: 0.25, threePhase: true };

  it("one-cycle: PyTorch's rate and momentum at every iteration, stepped per iteration", async () => {
    const { seen, solver } = await record({ schedule: oneCycle });
    expect(seen).toHaveLength(21);
    seen.forEach(([lr, momentum], step) => {
      const [wantLr, wantMomentum] = pytorchOneCycle(o, 0.4, 21, step);
      expect(Math.abs(lr - wantLr) / wantLr).toBeLessThan(1e-11);
      expect(Math.abs(momentum! - wantMomentum) / wantMomentum).toBeLessThan(1e-11);
    });
    expect(solver.history.iterations.map((r) => [r.learningRate, r.momentum])).toEqual(seen);
  });

  it('warmupEpochs puts a linear warm-up in front of any schedule, one-cycle included', async () => {
    const ramp = (step: number) => Math.min(1, 0.1 + (0.9 * (step / 7)) / 1.5);
    const warm = await record({ schedule: oneCycle, warmupEpochs: 1.5 });
    warm.seen.forEach(([lr, momentum], step) => {
      const [wantLr, wantMomentum] = pytorchOneCycle(o, 0.4, 21, step);
      expect(Math.abs(lr - ramp(step) * wantLr) / wantLr).toBeLessThan(1e-11);
      expect(Math.abs(momentum! - wantMomentum) / wantMomentum).toBeLessThan(1e-11);
    });
    // The same as the spec { type: 'warmup', epochs: 1.5, then: ... } ...
    const spec = await record({ schedule: { type: 'warmup', epochs: 1.5, startFactor: 0.1, then: oneCycle } });
    expect(spec.params).toEqual(warm.params);
    // ... and in front of a step schedule.
    const steps = await record({ schedule: { type: 'multistep', milestones: [2], gamma: 0.1 }, warmupEpochs: 1 });
    steps.seen.forEach(([lr, momentum], step) => {
      expect(lr).toBeCloseTo(0.4 * Math.min(1, 0.1 + 0.9 * (step / 7)) * (step >= 14 ? 0.1 : 1), 14);
      expect(momentum).toBeNull();
    });
    expect(() => new Solver(linearClassifier(3, 2), nll(), data, options({ warmupEpochs: -1 }))).toThrow(
      /Solver: option 'warmupEpochs' must be a number in \[0, ∞\), got -1/,
    );
  });

  it('resumes a one-cycle run exactly', async () => {
    const reference = await record({ schedule: oneCycle, warmupEpochs: 0.5 });
    const checkpointPath = tmpFile('one-cycle.safetensors');
    const stopped = new Solver(
      linearClassifier(3, 2),
      nll(),
      data,
      options({
        schedule: oneCycle,
        warmupEpochs: 0.5,
        checkpointPath,
        events: stopAfter(9),
      }),
    );
    expect((await stopped.train()).status).toBe('interrupted');
    const model = linearClassifier(3, 2, 5);
    await new Solver(
      model,
      nll(),
      data,
      options({ schedule: oneCycle, warmupEpochs: 0.5, checkpointPath, resume: true }),
    ).train();
    expect(snapshot(model)).toEqual(reference.params);
  });

  it('refuses a schedule that cycles the momentum for a rule without one', () => {
    const rmsprop = (schedule: ScheduleState) =>
      new Solver(linearClassifier(3, 2), nll(), data, options({ updateRule: 'rmsprop', optimConfig: {}, schedule }));
    expect(() => rmsprop(oneCycle)).toThrow(SolverConfigError);
    expect(() => rmsprop(oneCycle)).toThrow(
      /schedule 'onecycle' cycles the momentum, but update rule 'rmsprop' has none \(use a rule with momentum, or the schedule's cycleMomentum: false\)/,
    );
    expect(() => rmsprop({ ...oneCycle, cycleMomentum: false })).not.toThrow();
  });
});
