import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { train } from '../commands/train.js';
import { resnet } from '../model/resnet.js';
import { loadModel, saveModel } from '../model/saved-model-file.js';
import { type TrainOptions, trainOptions } from './recipes.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-init-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny = (name: string, change: Partial<TrainOptions> = {}) =>
  trainOptions(
    {
      dataset: 'synthetic',
      n: 1,
      filters: 4,
      trainSize: 96,
      valSize: 32,
      testSize: 16,
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

/** A saved ResNet-8 for 1×16×16 images with `classes` classes and `filters` filters, weights from `seed`. */
function savedModel(file: string, classes: number, filters = 4, seed = 9): string {
  const architecture = {
    n: 1,
    filters,
    inputShape: [1, 16, 16] as [number, number, number],
    classes,
    skip: true,
    hiddenDims: [],
  };
  const model = resnet({ ...architecture, rng: new Rng(seed) });
  const classNames = Array.from({ length: classes }, (_, i) => `c${i}`);
  saveModel(
    file,
    model,
    { architecture, classNames, dataset: 'synthetic' },
    {
      scale: 1,
      mean: new Float32Array(256),
      std: new Float32Array([1]),
    },
  );
  return file;
}

const values = (file: string, prefix: RegExp) => {
  const { model } = loadModel(file);
  return Object.fromEntries(
    model
      .parameters()
      .filter((p) => prefix.test(p.name))
      .map((p) => [p.name, Array.from(p.value.data)]),
  );
};

describe('train --init-from and --freeze', () => {
  it('fine-tunes a 10-class model on 4 classes: frozen stem and stage 1 kept, the rest trained, a new classifier', async () => {
    const from = savedModel(join(tmp, 'ten.safetensors'), 10);
    const lines: string[] = [];
    const { runDir } = await train(tiny('tuned', { initFrom: from, freeze: ['stem', 'stage1'] }), {
      log: (l) => lines.push(l),
    });
    expect(lines.join('\n')).toContain(`initialised from ${from}; classifier replaced (10 → 4 classes)`);
    const best = join(runDir, 'best-model.safetensors');
    // Top-level modules 0–2 are the stem, 3 the block of stage 1 (n = 1), 4 and 5 the later stages.
    expect(values(best, /^[0-3]\./)).toEqual(values(from, /^[0-3]\./));
    const [trained, start] = [values(best, /^5\./), values(from, /^5\./)];
    expect(Object.keys(trained)).toEqual(Object.keys(start));
    expect(trained).not.toEqual(start);
    expect(loadModel(best).description.architecture.classes).toBe(4);
  });

  it('names the tensor that does not fit', async () => {
    const wide = savedModel(join(tmp, 'wide.safetensors'), 4, 8);
    await expect(train(tiny('wide', { initFrom: wide }), { log: () => {} })).rejects.toThrow(
      `--init-from ${wide}: '0.weight' is [4, 1, 3, 3] in this network but [8, 1, 3, 3] in the model`,
    );
  });
});
