import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkResume, prepareRunFolder } from './reuse.js';

const scratch = mkdtempSync(join(tmpdir(), 'funt-reuse-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
function folder(files: Record<string, string> = {}): string {
  const dir = join(scratch, `run${folders++}`);
  mkdirSync(join(dir, 'figures'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('reusing a run folder', () => {
  it('refuses a folder holding a run unless --resume or --overwrite, naming what it holds', () => {
    const dir = folder({ 'config.json': '{}', 'history.json': '{}' });
    expect(() => prepareRunFolder(dir, { resume: false, overwrite: false })).toThrow(
      /--out .*run\d+ is not empty \(config\.json, history\.json\): add --resume to continue its run, or --overwrite to replace it/,
    );
    prepareRunFolder(dir, { resume: true, overwrite: false });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'figures', 'history.json']);
  });

  it('accepts an empty folder (or one with only empty folders)', () => {
    const dir = folder();
    prepareRunFolder(dir, { resume: false, overwrite: false });
    expect(readdirSync(dir)).toEqual(['figures']);
  });

  it('--overwrite deletes the run files and keeps the user’s own', () => {
    const dir = folder({ 'config.json': '{}', 'checkpoint.safetensors': 'x', 'notes.txt': 'mine' });
    mkdirSync(join(dir, 'report'));
    writeFileSync(join(dir, 'report', 'index.html'), '<p>');
    prepareRunFolder(dir, { resume: false, overwrite: true });
    expect(readdirSync(dir).sort()).toEqual(['figures', 'notes.txt']);
  });

  it('removes the temp files of writes an earlier process did not finish', () => {
    const dir = folder({ '.checkpoint.safetensors.4242.7.tmp': 'half', '.config.json.1.1.tmp': '{' });
    prepareRunFolder(dir, { resume: false, overwrite: false });
    expect(readdirSync(dir)).toEqual(['figures']);
  });
});

describe('checking a resume before anything is written', () => {
  const config = {
    name: 'r',
    createdAt: 'then',
    model: { n: 1, filters: 4, inputShape: [1, 16, 16], classes: 4, skip: true, hiddenDims: [] },
    data: { dataset: 'synthetic', dataDir: '/a', train: 1080, classNames: ['a', 'b', 'c', 'd'] },
    augmentation: ['crops'],
    training: {
      epochs: 2,
      batchSize: 32,
      updateRule: 'nesterov',
      solverRule: { name: 'sgd', config: { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 } },
      schedule: 'constant',
      seed: 0,
      checkpointEvery: 1,
    },
  };
  const dir = folder({ 'config.json': JSON.stringify(config) });
  const changed = (edit: (c: typeof config) => void) => {
    const c = structuredClone(config);
    edit(c);
    return c;
  };

  it('accepts the same run with more epochs, another checkpoint interval or data folder', () => {
    const c = changed((c) => {
      c.training.epochs = 10;
      c.training.checkpointEvery = 5;
      c.data.dataDir = '/b';
      c.createdAt = 'now';
    });
    expect(checkResume(dir, c, false)).toEqual([]);
  });

  it('refuses another model, data set, batch size or seed, naming each difference', () => {
    const c = changed((c) => {
      c.model.n = 2;
      c.data.dataset = 'mnist';
      c.training.batchSize = 64;
    });
    expect(() => checkResume(dir, c, true)).toThrow(
      /cannot continue with other settings: model\.n was 1, now 2; data\.dataset was "synthetic", now "mnist"; training\.batchSize was 32, now 64/,
    );
  });

  it('names a changed learning rate or augmentation, and continues with it only when allowed', () => {
    const c = changed((c) => {
      c.training.solverRule.config.learningRate = 0.01;
      c.augmentation = [];
    });
    expect(() => checkResume(dir, c, false)).toThrow(
      /these settings differ .*: augmentation was \["crops"\], now \[\]; training\.solverRule\.config\.learningRate was 0\.1, now 0\.01; add --allow-changes/,
    );
    expect(checkResume(dir, c, true).map((x) => x.key)).toEqual([
      'augmentation',
      'training.solverRule.config.learningRate',
    ]);
  });

  it('names the file when the folder holds no run or a damaged config', () => {
    expect(() => checkResume(folder(), config, false)).toThrow(/--resume: .*config\.json is missing/);
    expect(() => checkResume(folder({ 'config.json': '{"model": ' }), config, false)).toThrow(
      /--resume: .*config\.json is not valid JSON/,
    );
  });
});
