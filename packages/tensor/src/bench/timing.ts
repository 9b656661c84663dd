/** Timing helpers for the benchmark: wall-clock medians after warm-up. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface Timing {
  /** Median seconds per run. */
  median: number;
  /** Fastest run, seconds: what the machine does when nothing else is running. */
  best: number;
  runs: number;
}

/**
 * Runs `fn` `warmup` times untimed (WebAssembly tiers up from its baseline compiler to the
 * optimising one during the first calls), then `runs` times timed.
 */
export function time(fn: () => void, runs: number, warmup: number): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    seconds.push((performance.now() - t0) / 1000);
  }
  return { median: median(seconds), best: Math.min(...seconds), runs };
}
