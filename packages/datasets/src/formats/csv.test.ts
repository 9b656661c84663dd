import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { tempDir, thrown } from '../testing/internal/helpers.js';
import { columnIndex, readCsv } from './csv.js';

const tmp = tempDir();
afterAll(tmp.remove);

async function rows(file: string, options = {}): Promise<{ fields: string[]; line: number }[]> {
  const out = [];
  for await (const r of readCsv(file, options)) out.push(r);
  return out;
}

describe('readCsv', () => {
  it('streams rows with line numbers, skipping blank lines, with any delimiter', async () => {
    const f = join(tmp.dir, 'a.csv');
    writeFileSync(f, 'a;b\n1;2\n\n3;"4;5"\n');
    expect(await rows(f, { delimiter: ';' })).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4;5'], line: 4 },
    ]);
  });

  it('a row with the wrong number of columns is a DatasetError naming file, line, expected and found', async () => {
    const f = join(tmp.dir, 'b.csv');
    writeFileSync(f, 'a,b,c\n1,2,3\n1,2\n');
    const e = (await thrown(() => rows(f))) as DatasetError;
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(`${f}:3: row has the wrong number of columns (expected 3, found 2)`);
  });

  it('reports a missing file and malformed quoting as DatasetErrors', async () => {
    await expect(rows(join(tmp.dir, 'none.csv'))).rejects.toThrow(/none.csv: file not found/);
    const f = join(tmp.dir, 'c.csv');
    writeFileSync(f, 'a,b\n"1,2\n');
    await expect(rows(f)).rejects.toThrow(DatasetError);
  });

  it('columnIndex finds named columns and names a missing one', () => {
    const header = { fields: ['Filename', ' Width'], line: 1 };
    expect(columnIndex(header, 'h.csv', ['Width'], ['ClassId'])).toEqual({ Width: 1, ClassId: -1 });
    expect(() => columnIndex(header, 'h.csv', ['Height'])).toThrow(/h.csv:1: header has no column "Height"/);
  });
});
