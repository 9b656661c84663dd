import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { SolverConfigError } from '../errors.js';
import { HISTORY_FILES } from '../history.js';
import { Solver, type SolverOptions } from '../solver.js';
import { blobData, linearClassifier, nll, snapshot } from '../testing/models.js';
import { quiet, stopAfter, temporaryFolder } from '../testing/training.js';

const { dir: tmp, file: tmpFile } = temporaryFolder('funt-stopping-');

describe('early stopping', () => {
  // Noisy blobs: the validation accuracy rises for a few epochs, then wanders below its best.
  const data = blobData(60, 40, 3, [4], 11);
  const noise = new Rng(5);
  for (let i = 0; i < data.xVal.size; i++) data.xVal.data[i] += noise.normal(0, 2.5);
  const options = (extra: Partial<SolverOptions>): Partial<SolverOptions> => ({
    ...quiet,
    batchSize: 10,
    numEpochs: 30,
    optimConfig: { learningRate: 0.03, momentum: 0.9 },
    numTrainSamples: 20,
    seed: 2,
    ...extra,
  });

  it('stops after `patience` epochs without a better validation accuracy, restoring the best', async () => {
    const historyDir = fs.mkdtempSync(path.join(tmp, 'history-'));
    const reasons: string[] = [];
    const model = linearClassifier(4, 3);
    const solver = new Solver(
      model,
      nll(),
      data,
      options({
        patience: 3,
        historyDir,
        checkpointPath: tmpFile('patience.safetensors'),
        events: { onCheckpoint: (_p, reason) => reasons.push(reason) },
      }),
    );
    const result = await solver.train();
    const accs = result.history.epochs.map((e) => e.valAcc);
    const best = accs.indexOf(Math.max(...accs)) + 1;
    expect(result).toMatchObject({ status: 'completed', stopReason: 'patience', restoredBest: true, bestEpoch: best });
    expect(result.epochs).toBe(best + 3);
    expect(result.epochs).toBeLessThan(30);
    expect(accs.slice(best).every((a) => a <= accs[best - 1])).toBe(true);
    expect(snapshot(model)).toEqual(snapshot({ stateDict: () => solver.bestModelState! }));
    // One final checkpoint at the stop, no periodic one at the same epoch.
    expect(reasons.at(-1)).toBe('final');
    expect(reasons.filter((r) => r === 'final')).toHaveLength(1);
    expect(reasons).toHaveLength(result.epochs);
    const json = JSON.parse(fs.readFileSync(path.join(historyDir, HISTORY_FILES.json), 'utf8'));
    expect(json.stop).toEqual({
      reason: 'patience',
      epochs: result.epochs,
      iterations: result.iterations,
      message: expect.stringMatching(
        new RegExp(
          `^stopped early after epoch ${result.epochs}: no better validation accuracy for 3 epochs \\(best [\\d.]+% at epoch ${best}\\)$`,
        ),
      ),
    });
  });

  it('is off by default: the run trains numEpochs and says so', async () => {
    const result = await new Solver(linearClassifier(4, 3), nll(), data, options({ numEpochs: 12 })).train();
    expect(result).toMatchObject({ status: 'completed', stopReason: 'numEpochs', epochs: 12 });
    expect(result.history.stop).toMatchObject({ reason: 'numEpochs', epochs: 12, message: 'trained 12 of 12 epochs' });
  });

  it('stops where an uninterrupted run stops after a resume, and a resumed stopped run stays stopped', async () => {
    const reference = new Solver(linearClassifier(4, 3), nll(), data, options({ patience: 3 }));
    const expected = await reference.train();
    const checkpointPath = tmpFile('resume.safetensors');
    const first = new Solver(
      linearClassifier(4, 3),
      nll(),
      data,
      options({
        patience: 3,
        checkpointPath,
        events: stopAfter(13),
      }),
    );
    expect((await first.train()).stopReason).toBe('interrupt');
    const model = linearClassifier(4, 3, 9);
    const resumed = new Solver(model, nll(), data, options({ patience: 3, checkpointPath, resume: true }));
    const result = await resumed.train();
    expect(result).toMatchObject({ stopReason: 'patience', epochs: expected.epochs, bestEpoch: expected.bestEpoch });
    expect(resumed.history.iterations.map((r) => r.loss)).toEqual(expected.history.iterations.map((r) => r.loss));
    const again = await new Solver(
      linearClassifier(4, 3),
      nll(),
      data,
      options({ patience: 3, checkpointPath, resume: true }),
    ).train();
    expect(again).toMatchObject({ stopReason: 'patience', epochs: expected.epochs, iterations: expected.iterations });
  });

  it('names a bad patience', () => {
    for (const patience of [0, 1.5, -2, '3']) {
      expect(() => new Solver(linearClassifier(4, 3), nll(), data, options({ patience } as never))).toThrow(
        SolverConfigError,
      );
      expect(() => new Solver(linearClassifier(4, 3), nll(), data, options({ patience } as never))).toThrow(
        /Solver: option 'patience' must be an integer in \[1, ∞\)/,
      );
    }
  });
});
