import { describe, expect, it } from 'vitest';
import { fingerprint, median, parseVmHwm, peakRss, timeSteps } from './measure.js';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the two middle values of an even count, in any order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('rejects an empty list and non-finite values with a message naming median', () => {
    expect(() => median([])).toThrow(/median: no values/);
    expect(() => median([1, Number.NaN])).toThrow(/median: values must be finite/);
  });
});

describe('timeSteps', () => {
  it('runs the warm-up untimed, then times each step in wall-clock and CPU seconds', () => {
    let calls = 0;
    const { seconds, cpuSeconds } = timeSteps(
      () => {
        calls++;
        // Busy until this process has used 20 ms of CPU, however long other processes hold the core.
        const c0 = process.cpuUsage();
        while (process.cpuUsage(c0).user < 20_000) {
          // spin
        }
      },
      2,
      3,
    );
    expect(calls).toBe(5);
    expect(seconds).toHaveLength(3);
    expect(cpuSeconds).toHaveLength(3);
    for (const [i, c] of cpuSeconds.entries()) {
      expect(c).toBeGreaterThanOrEqual(0.02);
      // One thread cannot use more CPU time than wall-clock time (10 ms of slack for V8's own background threads).
      expect(c).toBeLessThanOrEqual(seconds[i] + 0.01);
    }
  });

  it('counts no CPU time for a step that sleeps', () => {
    const { seconds, cpuSeconds } = timeSteps(
      () => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30),
      0,
      1,
    );
    expect(seconds[0]).toBeGreaterThanOrEqual(0.029);
    expect(cpuSeconds[0]).toBeLessThan(0.015);
  });

  it('rejects a negative warm-up and zero steps', () => {
    expect(() => timeSteps(() => {}, -1, 1)).toThrow(/warmup must be an integer >= 0, got -1/);
    expect(() => timeSteps(() => {}, 0, 0)).toThrow(/steps must be an integer >= 1, got 0/);
  });
});

describe('peak RSS', () => {
  it('reads VmHWM from a /proc status text, in bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t 11628500 kB\nVmHWM:\t  573444 kB\nVmRSS:\t  500000 kB\n';
    expect(parseVmHwm(status)).toBe(573444 * 1024);
    expect(parseVmHwm('Name:\tnode\nVmRSS:\t 1 kB\n')).toBeNull();
  });

  it('grows when this process touches more memory, and is at least the current RSS', () => {
    const before = peakRss();
    expect(before.bytes).toBeGreaterThanOrEqual(process.memoryUsage().rss * 0.99);
    // 256 MiB more than the current resident set, written so that every page is resident.
    const block = new Uint8Array(before.bytes + 256 * 1024 * 1024 - process.memoryUsage().rss);
    for (let i = 0; i < block.length; i += 4096) block[i] = 1;
    const after = peakRss();
    expect(after.bytes).toBeGreaterThanOrEqual(before.bytes + 200 * 1024 * 1024);
    expect(after.source).toBe(process.platform === 'linux' ? 'VmHWM' : 'maxRSS');
    expect(block[4096]).toBe(1);
  });
});

describe('fingerprint', () => {
  it('is the first 12 hex digits of the SHA-1, different for different bytes', () => {
    expect(fingerprint(new TextEncoder().encode('abc'))).toBe('a9993e364706');
    expect(fingerprint(new TextEncoder().encode('abd'))).not.toBe('a9993e364706');
  });
});
