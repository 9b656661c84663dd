import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromTypedArray, saveSafetensors } from '@funt/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBuiltPackage, startChild } from '../testing/child-process.js';
import { temporaryFolder } from '../testing/training.js';
import { type CheckpointState, readCheckpointFile, writeCheckpointFile } from './checkpoint-file.js';

const { dir: tmp } = temporaryFolder('funt-checkpoint-file-');

// The writer child runs the built package.
beforeAll(expectBuiltPackage);

const state = (iteration: number) => ({ version: 1, iteration }) as unknown as CheckpointState;

describe('checkpoint files', () => {
  it('round-trips model, optimizer and best tensors with the state', () => {
    const file = path.join(tmp, 'roundtrip.safetensors');
    writeCheckpointFile(file, {
      state: state(3),
      model: { '0.weight': fromTypedArray([1, 2], [1, 2]) },
      optimizer: { '0/momentum': fromTypedArray([3, 4], [1, 2]) },
      best: { '0.weight': fromTypedArray([5, 6], [1, 2]) },
    });
    const c = readCheckpointFile(file);
    expect(c.state).toEqual(state(3));
    expect(c.model['0.weight'].toArray()).toEqual([[1, 2]]);
    expect(c.optimizer['0/momentum'].toArray()).toEqual([[3, 4]]);
    expect(c.best!['0.weight'].toArray()).toEqual([[5, 6]]);
  });

  it('names files that are not checkpoints or of an unknown version', () => {
    const plain = path.join(tmp, 'plain.safetensors');
    saveSafetensors({ w: fromTypedArray([1]) }, plain);
    expect(() => readCheckpointFile(plain)).toThrow(/'.*plain\.safetensors' is not a funt solver checkpoint/);
    const future = path.join(tmp, 'future.safetensors');
    saveSafetensors({}, future, { 'funt.solver': JSON.stringify({ version: 99 }) });
    expect(() => readCheckpointFile(future)).toThrow(/version 99 is not supported \(expected 1\)/);
    const stray = path.join(tmp, 'stray.safetensors');
    saveSafetensors({ 'other/x': fromTypedArray([1]) }, stray, { 'funt.solver': JSON.stringify(state(1)) });
    expect(() => readCheckpointFile(stray)).toThrow(/unexpected tensor 'other\/x'/);
  });

  it('survives SIGKILL of a writer at random moments: the file always loads whole', async () => {
    const file = path.join(tmp, 'killed.safetensors');
    let tornWrites = 0;
    // At least 6 rounds, and on until a kill has landed mid-write: on a busy machine the
    // writer can be descheduled so long that several kills in a row land between writes.
    for (let round = 0; round < 6 || (tornWrites === 0 && round < 40); round++) {
      const { child, ready, exit } = startChild('checkpoint-writer.mjs', [file, String(1 << 20)], /wrote 2\n/);
      await ready;
      await new Promise((r) => setTimeout(r, 3 + (round % 6) * 7));
      child.kill('SIGKILL');
      await exit;
      const { state: s, model, optimizer } = readCheckpointFile(file);
      const k = s.iteration;
      expect(k).toBeGreaterThanOrEqual(2);
      const a = model.a.data;
      expect(a.length).toBe(1 << 20);
      expect(a.every((v) => v === k)).toBe(true);
      expect(Array.from(optimizer['0/momentum'].data)).toEqual(new Array(7).fill(-k));
      // A kill during a write leaves its temp file behind (never the target): count those.
      const temps = fs.readdirSync(tmp).filter((f) => f.startsWith('.killed.safetensors.') && f.endsWith('.tmp'));
      if (temps.length > 0) tornWrites++;
      for (const f of temps) fs.rmSync(path.join(tmp, f));
    }
    // Most kills land mid-write (the writer does little else); make sure the test exercised that.
    expect(tornWrites).toBeGreaterThan(0);
  });
});
