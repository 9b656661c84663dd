import * as path from 'node:path';
import { loadSafetensors, type Tensor } from '@funt/tensor';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { expectBuiltPackage, startChild } from '../testing/child-process.js';
import { temporaryFolder } from '../testing/training.js';
import { readCheckpointFile } from './checkpoint-file.js';
import { InterruptWatch } from './signals.js';

const { dir: tmp } = temporaryFolder('funt-signals-');

// The training child runs the built package.
beforeAll(expectBuiltPackage);

const emit = (signal: string) => (process.emit as (e: string, s: string) => boolean)(signal, signal);

describe('InterruptWatch', () => {
  it('turns the first SIGINT/SIGTERM into a stop request and re-raises a second one with default handling', () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    const seen: string[] = [];
    const watch = new InterruptWatch((s) => seen.push(s));
    watch.install();
    watch.install(); // idempotent
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      emit('SIGTERM');
      expect(seen).toEqual(['SIGTERM']);
      expect(watch.received).toBe('SIGTERM');
      expect(kill).not.toHaveBeenCalled();
      emit('SIGINT');
      // The second signal removes the handlers and sends itself again, so the default action applies.
      expect(seen).toEqual(['SIGTERM']);
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGINT');
      expect(process.listenerCount('SIGINT')).toBe(before.int);
      expect(process.listenerCount('SIGTERM')).toBe(before.term);
    } finally {
      kill.mockRestore();
      watch.uninstall();
    }
  });

  it('a real SIGINT stops a training process cleanly, with a checkpoint to resume from', async () => {
    const file = path.join(tmp, 'sigint.safetensors');
    const modelOut = path.join(tmp, 'sigint-model.safetensors');
    const { child, ready, output, exit } = startChild('train-child.mjs', [file, modelOut], /iteration 5\/100\)/);
    await ready;
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    const lines = output().trim().split('\n');
    const result = JSON.parse(lines.at(-1)!);
    expect(result.status).toBe('interrupted');
    expect(result.signal).toBe('SIGINT');
    expect(output()).toMatch(/SIGINT received: stopping after this iteration/);
    const { state: s } = readCheckpointFile(file);
    expect(s.iteration).toBe(result.iterations);
    expect(s.epoch * 100 + s.iterationInEpoch).toBe(result.iterations);
  });

  it("after a SIGINT the model holds the best epoch's parameters, and a resume continues exactly", async () => {
    const file = path.join(tmp, 'best.safetensors');
    const modelOut = path.join(tmp, 'best-model.safetensors');
    // Stop in the third epoch: two epochs have ended, so there is a best.
    const { child, ready, output, exit } = startChild(
      'train-child.mjs',
      [file, modelOut],
      /epoch 3\/1000, iteration 5\/100\)/,
    );
    await ready;
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    const result = JSON.parse(output().trim().split('\n').at(-1)!);
    const checkpoint = readCheckpointFile(file);
    const saved = loadSafetensors(modelOut).tensors;
    // What the process saved as its model is the best epoch's state, bit for bit ...
    expect(bits(saved)).toEqual(bits(checkpoint.best!));
    expect(result).toMatchObject({ status: 'interrupted', signal: 'SIGINT', restoredBest: true });
    expect(result.bestEpoch).toBeGreaterThanOrEqual(1);
    // ... while the checkpoint holds the parameters training stopped with.
    expect(bits(checkpoint.model)).not.toEqual(bits(saved));
    expect(checkpoint.state.epoch).toBe(2);

    // Resumed to the end of epoch 4, the run equals one that was never interrupted.
    const resumedOut = path.join(tmp, 'resumed-model.safetensors');
    const resumed = startChild('train-child.mjs', [file, resumedOut, '4', 'resume'], /\{"status"/);
    const reference = path.join(tmp, 'reference.safetensors');
    const referenceOut = path.join(tmp, 'reference-model.safetensors');
    expect(await resumed.exit).toBe(0);
    const uninterrupted = startChild('train-child.mjs', [reference, referenceOut, '4'], /\{"status"/);
    expect(await uninterrupted.exit).toBe(0);
    const a = readCheckpointFile(file);
    const b = readCheckpointFile(reference);
    expect(a.state.iteration).toBe(400);
    expect(bits(a.model)).toEqual(bits(b.model));
    expect(bits(a.best!)).toEqual(bits(b.best!));
    expect(a.state.history.iterations.map((r) => r.loss)).toEqual(b.state.history.iterations.map((r) => r.loss));
    expect(bits(loadSafetensors(resumedOut).tensors)).toEqual(bits(loadSafetensors(referenceOut).tensors));
  });
});

/** Every tensor's values by name, for bit-for-bit comparisons. */
function bits(tensors: Record<string, Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, Array.from(t.data)]));
}
