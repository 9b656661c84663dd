import * as fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { fromTypedArray } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { NonFiniteLossError } from '../errors.js';
import { Solver, type SolverOptions } from '../solver.js';
import { blobData, convNet, linearClassifier, nll, snapshot } from '../testing/models.js';
import { noise, quiet, stopAfter, temporaryFolder } from '../testing/training.js';

const { file: tmpFile } = temporaryFolder('funt-checkpoint-');

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
          events: stopAfter(stopAt),
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

  it('after a stop the model holds the best parameters; the checkpoint and train() continue the run exactly', async () => {
    const checkpointPath = tmpFile('stop-best.safetensors');
    const model = convNet(3);
    const solver = new Solver(
      model,
      nll(),
      data,
      options({
        checkpointPath,
        restoreBest: true,
        events: stopAfter(12),
      }),
    );
    const stopped = await solver.train();
    expect(stopped).toMatchObject({ status: 'interrupted', signal: null, restoredBest: true, iterations: 12 });
    expect(snapshot(model)).toEqual(snapshot({ stateDict: () => solver.bestModelState! }));
    const reference = await uninterrupted();
    // A new solver resuming from the checkpoint ...
    const resumedModel = convNet(3, 99);
    await new Solver(resumedModel, nll(), data, options({ checkpointPath, resume: true })).train();
    expect(snapshot(resumedModel)).toEqual(reference.params);
    // ... and the same solver's train() both continue from where training stopped, not from the best.
    const continued = await solver.train();
    expect(continued).toMatchObject({ status: 'completed', restoredBest: true, iterations: 15 });
    expect(solver.history.iterations.map((r) => r.loss)).toEqual(reference.losses);
    expect(snapshot({ stateDict: () => solver.bestModelState! })).toEqual(reference.best);
    expect(snapshot(model)).toEqual(reference.best);
  });

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

  it('loads a checkpoint written by the solver before stop records, clipping and one-cycle, and resumes it exactly', async () => {
    // test-fixtures/checkpoint-v1.safetensors: written by the solver of commit 6dc348a with
    // these options (the data of blobData(40, 20, 3, [6]), linearClassifier(6, 3)), stopped
    // after iteration 7.
    const fixture = fileURLToPath(new URL('../../test-fixtures/checkpoint-v1.safetensors', import.meta.url));
    const checkpointPath = tmpFile('v1.safetensors');
    fs.copyFileSync(fixture, checkpointPath);
    const data6 = blobData(40, 20, 3, [6]);
    const v1 = (extra: Partial<SolverOptions>): Partial<SolverOptions> => ({
      ...quiet,
      batchSize: 8,
      numEpochs: 3,
      optimConfig: { learningRate: 0.1, momentum: 0.9 },
      schedule: {
        type: 'warmup',
        epochs: 0.5,
        startFactor: 0.2,
        then: { type: 'multistep', milestones: [2], gamma: 0.1 },
      },
      augment: noise,
      numTrainSamples: 10,
      seed: 3,
      ...extra,
    });
    const resumedModel = linearClassifier(6, 3, 8);
    const resumed = new Solver(resumedModel, nll(), data6, v1({ checkpointPath, resume: true }));
    const result = await resumed.train();
    expect(result).toMatchObject({ status: 'completed', stopReason: 'numEpochs', iterations: 15 });
    const reference = linearClassifier(6, 3);
    const uninterrupted = new Solver(reference, nll(), data6, v1({}));
    await uninterrupted.train();
    expect(snapshot(resumedModel)).toEqual(snapshot(reference));
    expect(resumed.history.iterations.map((r) => r.loss)).toEqual(uninterrupted.history.iterations.map((r) => r.loss));
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
