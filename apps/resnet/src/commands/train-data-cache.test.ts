import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA_CACHE_FILES } from '../data/data-cache.js';
import { loadModel } from '../model/saved-model-file.js';
import { type TrainOptions, trainOptions } from '../training/recipes.js';
import { train } from './train.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-data-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A short run on the synthetic data with flips and random crops (augmentation draws), no report. */
async function run(name: string, change: Partial<TrainOptions>) {
  const lines: string[] = [];
  const o = trainOptions(
    {
      dataset: 'synthetic',
      n: 1,
      filters: 4,
      trainSize: 100,
      valSize: 64,
      testSize: 32,
      epochs: 2,
      batchSize: 32,
      flip: true,
      cropPad: 2,
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
  const model = loadModel(outcome.runDir);
  const weights = Object.fromEntries(Object.entries(model.model.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
  model.model.dispose();
  return { outcome, losses: history.iterations.map((r: { loss: number }) => r.loss), weights, log: lines.join('\n') };
}

describe('train --data-cache: the training images from an image cache on disk, read by a worker', () => {
  const cache = join(tmp, 'cache');

  it('writes the cache, then trains to the same losses, weights and accuracy as from memory', async () => {
    const inMemory = await run('memory', {});
    const fromDisk = await run('disk', { dataCache: cache });
    expect(fromDisk.log).toMatch(/image cache: wrote .*cache/);
    for (const f of Object.values(DATA_CACHE_FILES)) expect(existsSync(join(cache, f))).toBe(true);
    expect(fromDisk.losses).toHaveLength(2 * 4);
    expect(fromDisk.losses).toEqual(inMemory.losses);
    expect(fromDisk.weights).toEqual(inMemory.weights);
    expect(fromDisk.outcome.results.top1).toBe(inMemory.outcome.results.top1);
    // A second run reads the cache it finds, and still gets the same bits.
    const again = await run('again', { dataCache: cache });
    expect(again.log).not.toMatch(/image cache: wrote/);
    expect(again.losses).toEqual(inMemory.losses);
  });

  it('refuses a cache built with other data options, and names a corrupt cache file', async () => {
    await expect(run('other', { dataCache: cache, trainSize: 90 })).rejects.toThrow(
      /--data-cache .*cache was built with other data options \(--train-size was 100, now 90\)/,
    );
    const bad = join(tmp, 'bad');
    await run('bad-first', { dataCache: bad, epochs: 1 });
    writeFileSync(join(bad, DATA_CACHE_FILES.train), 'FUNTIMG\nnot really');
    await expect(run('bad-run', { dataCache: bad })).rejects.toThrow(
      /bad\/train\.fic \(byte 0\): truncated image cache header/,
    );
    writeFileSync(join(bad, DATA_CACHE_FILES.meta), '{ not json');
    await expect(run('bad-meta', { dataCache: bad })).rejects.toThrow(
      /bad\/data\.json: unreadable data cache description/,
    );
  });
});
