import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainOptions } from '../training/recipes.js';
import { evalCommand } from './eval.js';
import { train } from './train.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('eval', () => {
  it("--split val evaluates the run's own validation images, whatever sizes the run used", async () => {
    const o = trainOptions({
      dataset: 'synthetic',
      n: 1,
      filters: 4,
      trainSize: 120,
      valSize: 37,
      testSize: 30,
      epochs: 2,
      batchSize: 32,
      schedule: { kind: 'constant' },
      lr: 0.05,
      checkpointEvery: 0,
      report: false,
      progress: 'none',
      out: join(tmp, 'run'),
    });
    const quiet = () => {};
    const { runDir, result, results } = await train(o, { log: quiet });
    const val = await evalCommand({ model: runDir, split: 'val', batchSize: 64, out: join(tmp, 'val.json') }, quiet);
    // The best model's validation accuracy, as the solver measured it on the same 37 images.
    expect(val.count).toBe(37);
    expect(val.top1).toBe(result.bestValAcc);
    const test = await evalCommand({ model: runDir, split: 'test', batchSize: 64, out: join(tmp, 't.json') }, quiet);
    expect([test.count, test.top1]).toEqual([30, results.top1]);
    // Sizes given on the command line still win.
    const fewer = await evalCommand(
      { model: runDir, split: 'val', valSize: 20, batchSize: 64, out: join(tmp, 'v.json') },
      quiet,
    );
    expect(fewer.count).toBe(20);
  });
});
