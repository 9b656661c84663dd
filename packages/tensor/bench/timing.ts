/** Timing helpers for the benchmark: wall-clock medians after warm-up. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

interface Timing {
  /** Median wall-clock seconds per call. */
  median: number;
  /** Fastest run, wall-clock seconds per call: what the machine does when nothing else disturbs it. */
  best: number;
  /**
   * Median CPU seconds per call (user + system time of this process): unlike wall-clock time
   * it does not count the time the thread waited while other processes had the cores.
   */
  cpuMedian: number;
  runs: number;
  /** Calls per timed run. */
  repeats: number;
}

export interface TimingOptions {
  runs: number;
  /** Minimum seconds of untimed calls first: WebAssembly tiers up from its baseline compiler to the optimising one during the first calls. */
  warmupSeconds: number;
  /** A run repeats the call until it lasts about this long, so that tiny calls are timed reliably. */
  minRunSeconds: number;
}

/** Times `fn`: warm-up, then `runs` runs of `repeats` calls each; medians are per call. */
export function time(fn: () => void, { runs, warmupSeconds, minRunSeconds }: TimingOptions): Timing {
  let calls = 0;
  const w0 = performance.now();
  do {
    fn();
    calls++;
  } while ((performance.now() - w0) / 1000 < warmupSeconds);
  const perCall = (performance.now() - w0) / 1000 / calls;
  const repeats = Math.max(1, Math.ceil(minRunSeconds / perCall));
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let r = 0; r < repeats; r++) fn();
    seconds.push((performance.now() - t0) / 1000 / repeats);
    const c = process.cpuUsage(c0);
    cpuSeconds.push((c.user + c.system) / 1e6 / repeats);
  }
  return { median: median(seconds), best: Math.min(...seconds), cpuMedian: median(cpuSeconds), runs, repeats };
}
