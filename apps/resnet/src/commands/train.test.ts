import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type TrainOptions, trainOptions } from '../training/recipes.js';
import { train } from './train.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A tiny run on the synthetic data (16×16 grey, 3 classes), without figures or report. */
async function tinyRun(name: string, change: Partial<TrainOptions>) {
  const lines: string[] = [];
  const o = trainOptions(
    {
      dataset: 'synthetic',
      n: 1,
      filters: 4,
      trainSize: 96,
      valSize: 64,
      testSize: 32,
      epochs: 1,
      batchSize: 32,
      schedule: { kind: 'constant' },
      lr: 0.05,
      checkpointEvery: 0,
      report: false,
      progress: 'none',
      out: join(tmp, name),
    },
    change,
  );
  const outcome = await train(o, { log: (l) => lines.push(l) });
  const history = JSON.parse(readFileSync(join(outcome.runDir, 'history.json'), 'utf8'));
  const config = JSON.parse(readFileSync(join(outcome.runDir, 'config.json'), 'utf8'));
  return { outcome, history, config, log: lines.join('\n') };
}

describe('train: the regularisation and schedule flags reach the solver', () => {
  it('--warmup starts at 0.1× the rate and ramps to it', async () => {
    const { history, config, log } = await tinyRun('warmup', { warmup: 1, epochs: 2 });
    const rates = history.iterations.map((i: { learningRate: number }) => i.learningRate);
    expect(rates[0]).toBeCloseTo(0.005, 12);
    expect(rates[1]).toBeGreaterThan(rates[0]);
    expect(rates.at(-1)).toBeCloseTo(0.05, 12);
    expect(config.training.warmup).toBe(1);
    expect(log).toMatch(/warm-up 1 epochs/);
  });

  it('--schedule one-cycle follows OneCycleLR per iteration and cycles the momentum', async () => {
    const { history } = await tinyRun('one-cycle', { schedule: { kind: 'one-cycle', pctStart: 0.3 }, epochs: 2 });
    const its = history.iterations as { learningRate: number; momentum: number }[];
    expect(its).toHaveLength(6);
    // 6 steps: up to max_lr at step 0.3·6 − 1 = 0.8, then down to max_lr/25/1e4.
    expect(its[0].learningRate).toBeCloseTo(0.05 / 25, 12);
    expect(its.at(-1)!.learningRate).toBeCloseTo(0.05 / 25 / 1e4, 12);
    expect(its[0].momentum).toBeCloseTo(0.95, 12);
    expect(Math.max(...its.map((i) => i.learningRate))).toBeLessThanOrEqual(0.05);
  });

  it('--clip-grad-norm records the norm of every iteration; --label-smoothing changes the loss', async () => {
    const plain = await tinyRun('plain', {});
    const clipped = await tinyRun('clipped', { clipGradNorm: 0.5, labelSmoothing: 0.2 });
    expect(plain.history.iterations[0].gradNorm).toBeUndefined();
    expect(clipped.history.iterations.every((i: { gradNorm: number }) => i.gradNorm > 0)).toBe(true);
    // Same initialisation and first batch: only the smoothing changes the first loss.
    expect(clipped.history.iterations[0].loss).not.toBeCloseTo(plain.history.iterations[0].loss, 3);
    expect(clipped.config.training).toMatchObject({ clipGradNorm: 0.5, labelSmoothing: 0.2, patience: null });
  });

  it('--patience stops a run that stops improving', async () => {
    // A rate too small to change the predictions: no epoch beats the first.
    const { outcome, history, log } = await tinyRun('patience', { patience: 1, epochs: 6, lr: 1e-9 });
    expect(outcome.result.stopReason).toBe('patience');
    expect(history.epochs.length).toBeLessThan(6);
    expect(log).toMatch(/stopped early after epoch \d: no better validation accuracy for 1 epochs/);
  });
});
