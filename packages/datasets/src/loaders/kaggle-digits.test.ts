import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { tempDir } from '../testing/internal/helpers.js';
import { loadKaggleDigitsCsv } from './kaggle-digits.js';

const tmp = tempDir();
afterAll(tmp.remove);

const pixelHeader = Array.from({ length: 784 }, (_, i) => `pixel${i}`);
const pixels = (seed: number): number[] => Array.from({ length: 784 }, (_, i) => (i * seed) % 256);

function write(dir: string, train: string[][], test?: string[][]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'train.csv'),
    `${[['label', ...pixelHeader], ...train].map((r) => r.join(',')).join('\n')}\n`,
  );
  if (test) writeFileSync(join(dir, 'test.csv'), `${[pixelHeader, ...test].map((r) => r.join(',')).join('\n')}\n`);
}

describe('loadKaggleDigitsCsv', () => {
  it('reads train.csv with labels and test.csv without', async () => {
    const dir = join(tmp.dir, 'ok');
    const rows = Array.from({ length: 1100 }, (_, i) => [String(i % 10), ...pixels(i + 1).map(String)]);
    write(dir, rows, [pixels(3).map(String)]);
    const { train, test } = await loadKaggleDigitsCsv(dir);
    expect(train.shape).toEqual([1100, 1, 28, 28]);
    expect(train.labels[13]).toBe(3);
    expect(Array.from(train.images.subarray(1099 * 784, 1100 * 784))).toEqual(pixels(1100));
    expect(test!.shape).toEqual([1, 1, 28, 28]);
    expect(Array.from(test!.labels)).toEqual([-1]);
    expect(Array.from(test!.images)).toEqual(pixels(3));
  });

  it('test.csv is optional', async () => {
    const dir = join(tmp.dir, 'no-test');
    write(dir, [['5', ...pixels(2).map(String)]]);
    const got = await loadKaggleDigitsCsv(dir);
    expect(got.test).toBeUndefined();
    expect(Array.from(got.train.labels)).toEqual([5]);
  });

  it('a row with the wrong number of columns names the file, line, expected and found', async () => {
    const dir = join(tmp.dir, 'short-row');
    write(dir, [
      ['1', ...pixels(1).map(String)],
      ['2', ...pixels(1).slice(1).map(String)],
    ]);
    const e = (await loadKaggleDigitsCsv(dir).catch((error: unknown) => error)) as DatasetError;
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(
      `${join(dir, 'train.csv')}:3: row has the wrong number of columns (expected 785, found 784)`,
    );
  });

  it('rejects bad values, a bad header, a missing train.csv and a missing folder', async () => {
    const dir = join(tmp.dir, 'bad-value');
    write(dir, [['1', ...pixels(1).slice(0, 783).map(String), '256']]);
    await expect(loadKaggleDigitsCsv(dir)).rejects.toThrow(
      /train.csv:2: bad value in column pixel783 \(expected an integer 0..255, found "256"\)/,
    );
    write(dir, [['x', ...pixels(1).map(String)]]);
    await expect(loadKaggleDigitsCsv(dir)).rejects.toThrow(
      /train.csv:2: bad value in column label \(expected an integer 0..255, found "x"\)/,
    );
    write(dir, [
      ['1', ...pixels(1).map(String)],
      ['12', ...pixels(1).map(String)],
    ]);
    await expect(loadKaggleDigitsCsv(dir)).rejects.toThrow(
      /train.csv:3: bad value in column label \(expected an integer 0..9, found 12\)/,
    );
    const headerless = join(tmp.dir, 'headerless');
    mkdirSync(headerless);
    writeFileSync(join(headerless, 'train.csv'), `${['1', ...pixels(1)].join(',')}\n`);
    await expect(loadKaggleDigitsCsv(headerless)).rejects.toThrow(
      /train.csv:1: unexpected header \(expected 785 columns, the first "label", found 785 columns, the first "1"\)/,
    );
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    await expect(loadKaggleDigitsCsv(empty)).rejects.toThrow(/train.csv: file not found/);
    await expect(loadKaggleDigitsCsv(join(tmp.dir, 'nowhere'))).rejects.toThrow(/nowhere: folder not found/);
  });
});
