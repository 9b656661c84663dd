import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadData } from './load.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-sfddd-'));
const drivers = Array.from({ length: 10 }, (_, i) => `p0${10 + i}`);

/** A tiny SFDDD folder: 10 drivers × 3 classes × 2 photos (binary PPM, which the loader reads by its magic). */
beforeAll(() => {
  process.env.FUNT_CACHE_DIR = join(tmp, 'cache');
  const rows = ['subject,classname,img'];
  let k = 0;
  for (const driver of drivers)
    for (let c = 0; c < 3; c++)
      for (let j = 0; j < 2; j++) {
        const name = `img_${k++}.jpg`;
        mkdirSync(join(tmp, 'imgs', 'train', `c${c}`), { recursive: true });
        const pixels = new Uint8Array(16 * 12 * 3).fill(40 * c + 10 * j);
        writeFileSync(
          join(tmp, 'imgs', 'train', `c${c}`, name),
          Buffer.concat([Buffer.from('P6\n16 12\n255\n'), pixels]),
        );
        rows.push(`${driver},c${c},${name}`);
      }
  writeFileSync(join(tmp, 'driver_imgs_list.csv'), `${rows.join('\n')}\n`);
});
afterAll(() => {
  delete process.env.FUNT_CACHE_DIR;
  rmSync(tmp, { recursive: true, force: true });
});

const driversOf = (set: { groups?: string[] }) => new Set(set.groups);

describe('SFDDD splits', () => {
  it('by driver: training, validation and test drivers are all different (test ≠ validation)', async () => {
    const data = await loadData({ dataset: 'sfddd', dataDir: tmp });
    const [train, val, test] = [data.train, data.val, data.test].map(driversOf);
    expect([train.size, val.size, test.size].every((n) => n > 0)).toBe(true);
    expect(train.size + val.size + test.size).toBe(10);
    for (const d of val) expect(train.has(d) || test.has(d)).toBe(false);
    for (const d of test) expect(train.has(d)).toBe(false);
    expect(data.testSplit).toBe('test');
    expect(data.train.shape[0] + data.val.shape[0] + data.test.shape[0]).toBe(60);
  });

  it("--split random is the seed's split: the same drivers on every side", async () => {
    const data = await loadData({ dataset: 'sfddd', dataDir: tmp, splitBy: 'random' });
    const train = driversOf(data.train);
    expect([...driversOf(data.test)].some((d) => train.has(d))).toBe(true);
    expect(data.train.shape[0] + data.val.shape[0] + data.test.shape[0]).toBe(60);
  });
});
