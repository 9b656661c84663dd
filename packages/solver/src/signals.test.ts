import { describe, expect, it, vi } from 'vitest';
import { InterruptWatch } from './signals.js';

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
});
