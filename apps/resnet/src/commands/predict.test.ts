import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subset } from '@funt/datasets';
import { predictProba } from '@funt/solver';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProgramHandlers, runProgram } from '../cli/program.js';
import { dataForModel } from '../data/for-model.js';
import { inputHooks, rawTensor } from '../data/hooks.js';
import { loadModel } from '../model/saved-model-file.js';
import { trainOptions } from '../training/recipes.js';
import { predictCommand } from './predict.js';
import { train } from './train.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-predict-'));
const images = join(tmp, 'images');
let runDir = '';
/** The model's probabilities for the first 4 test images, computed from the data set directly. */
let expected: number[][] = [];
let greyPixels: Uint8Array[] = [];
const quiet = () => {};

beforeAll(async () => {
  const o = trainOptions({
    dataset: 'synthetic',
    n: 1,
    filters: 4,
    trainSize: 200,
    testSize: 20,
    epochs: 1,
    batchSize: 50,
    schedule: { kind: 'constant' },
    lr: 0.05,
    checkpointEvery: 0,
    report: false,
    progress: 'none',
    out: join(tmp, 'run'),
  });
  ({ runDir } = await train(o, { log: quiet }));
  const saved = loadModel(runDir);
  const data = await dataForModel(saved, {});
  const first = subset(data.test, Int32Array.from([0, 1, 2, 3]));
  const x = rawTensor(first);
  const p = predictProba(saved.model, x, { preprocess: inputHooks(data, { augment: null, stages: [] }).eval });
  expected = [0, 1, 2, 3].map((i) => Array.from(p.data.subarray(4 * i, 4 * i + 4)));
  greyPixels = [0, 1, 2, 3].map((i) => Uint8Array.from(first.images.subarray(256 * i, 256 * (i + 1))));
  x.dispose();
  p.dispose();
  mkdirSync(images);
  greyPixels.forEach((g, i) =>
    writeFileSync(join(images, `${i}.png`), encode({ width: 16, height: 16, data: g, channels: 1, depth: 8 })),
  );
  writeFileSync(join(images, 'notes.txt'), 'not an image');
  // Image 0 again as RGB PPM, and image 1 as RGBA PNG three times larger.
  const rgb = new Uint8Array(16 * 16 * 3).map((_, k) => greyPixels[0][Math.floor(k / 3)]);
  writeFileSync(join(tmp, 'zero.ppm'), Buffer.concat([Buffer.from('P6\n16 16\n255\n'), rgb]));
  const big = new Uint8Array(48 * 48 * 4).map((_, k) => {
    const p = Math.floor(k / 4);
    const v = greyPixels[1][Math.floor(Math.floor(p / 48) / 3) * 16 + Math.floor((p % 48) / 3)];
    return k % 4 === 3 ? 255 : v;
  });
  writeFileSync(join(tmp, 'one-large.png'), encode({ width: 48, height: 48, data: big, channels: 4, depth: 8 }));
  writeFileSync(join(tmp, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n this is not a PNG'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('predict', () => {
  it("gives the model's probabilities for images of a folder, converted as its training images were", async () => {
    const lines: string[] = [];
    const out = await predictCommand({ model: runDir, images: [images], top: 4, json: false, batchSize: 3 }, (l) =>
      lines.push(l),
    );
    expect(out.map((p) => p.file)).toEqual([0, 1, 2, 3].map((i) => join(images, `${i}.png`)));
    out.forEach((p, i) => {
      for (const t of p.top) expect(t.probability).toBeCloseTo(expected[i][t.index], 6);
      const best = expected[i].indexOf(Math.max(...expected[i]));
      expect(p.top[0].index).toBe(best);
      expect(p.top.map((t) => t.probability)).toEqual([...p.top.map((t) => t.probability)].sort((a, b) => b - a));
    });
    expect(loadModel(runDir).description.image).toEqual({ height: 16, width: 16, pad: 0 });
    expect(lines[0].split('\n')[0]).toMatch(/^image\s+prediction\s+#2\s+#3\s+#4$/);
    expect(lines[0]).toMatch(/0\.png\s+(horizontal|vertical|diagonal|square)\s+\d+\.\d%/);
  });

  it('reads colour PPM and larger RGBA PNG files into the grey 16×16 input; --json', async () => {
    const lines: string[] = [];
    const files = [join(tmp, 'zero.ppm'), join(tmp, 'one-large.png')];
    const out = await predictCommand({ model: runDir, images: files, top: 2, json: true, batchSize: 64 }, (l) =>
      lines.push(l),
    );
    // The PPM holds exactly image 0's pixels in three equal channels.
    for (const t of out[0].top) expect(t.probability).toBeCloseTo(expected[0][t.index], 2);
    expect(out[1].top[0].index).toBe(expected[1].indexOf(Math.max(...expected[1])));
    const json = JSON.parse(lines[0]);
    expect(json.predictions).toHaveLength(2);
    expect(json.predictions[1]).toMatchObject({ file: files[1], top: [{ index: out[1].top[0].index }, {}] });
    expect(Object.keys(json.predictions[0].top[0]).sort()).toEqual(['class', 'index', 'probability']);
  });

  it('exits non-zero naming an unreadable image or a missing file', async () => {
    let err = '';
    const handlers = {
      predict: async (o) => void (await predictCommand(o, quiet)),
    } as Partial<ProgramHandlers> as ProgramHandlers;
    const io = { out: () => {}, err: (s: string) => void (err += s) };
    const broken = join(tmp, 'broken.png');
    expect(await runProgram(handlers, ['predict', '--model', runDir, join(images, '0.png'), broken], io)).toBe(1);
    expect(err).toMatch(
      new RegExp(`^funt-resnet: .*${broken.replace(/[.]/g, '\\.')}.*(does not decode|unsupported|corrupt)`, 'i'),
    );
    err = '';
    expect(await runProgram(handlers, ['predict', '--model', runDir, join(tmp, 'nothing.png')], io)).toBe(2);
    expect(err.split('\n')[0]).toBe(`funt-resnet predict: ${join(tmp, 'nothing.png')} does not exist`);
  });
});
