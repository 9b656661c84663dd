import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempPathFor, writeFileAtomic } from './atomic-write.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'funt-atomic-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const bytes = (s: string) => new TextEncoder().encode(s);

describe('writeFileAtomic', () => {
  it('writes all chunks in order and replaces an existing file', () => {
    const file = path.join(tmp, 'a.bin');
    writeFileAtomic(file, [bytes('old')]);
    writeFileAtomic(file, [bytes('he'), bytes(''), bytes('llo')]);
    expect(fs.readFileSync(file, 'utf8')).toBe('hello');
    expect(fs.readdirSync(tmp)).toEqual(['a.bin']);
  });

  it('uses a distinct hidden temp file in the same folder for every write', () => {
    const target = path.join(tmp, 'b.bin');
    const t1 = tempPathFor(target);
    const t2 = tempPathFor(target);
    expect(path.dirname(t1)).toBe(tmp);
    expect(path.basename(t1).startsWith('.b.bin.')).toBe(true);
    expect(t1).not.toBe(t2);
  });

  it('leaves the previous file and no temp file behind when the write fails', () => {
    // Renaming a file over a non-empty folder fails after the data was written.
    const target = path.join(tmp, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep.txt'), 'kept');
    expect(() => writeFileAtomic(target, [bytes('new')])).toThrow();
    expect(fs.readFileSync(path.join(target, 'keep.txt'), 'utf8')).toBe('kept');
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('names the missing folder', () => {
    const target = path.join(tmp, 'no-such-dir', 'x.bin');
    expect(() => writeFileAtomic(target, [bytes('x')])).toThrow(/folder '.*no-such-dir' of '.*x\.bin' does not exist/);
  });
});
