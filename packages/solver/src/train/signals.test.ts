import * as path from 'node:path';
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
    const { child, ready, output, exit } = startChild('train-child.mjs', [file], /iteration 5\/100\)/);
    await ready;
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    const lines = output().trim().split('\n');
    const result = JSON.parse(lines.at(-1)!);
    expect(result.status).toBe('interrupted');
    expect(output()).toMatch(/SIGINT received: stopping after this iteration/);
    const { state: s } = readCheckpointFile(file);
    expect(s.iteration).toBe(result.iterations);
    expect(s.epoch * 100 + s.iterationInEpoch).toBe(result.iterations);
  });
});
