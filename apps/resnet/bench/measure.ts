/**
 * Measurement helpers of the ResNet benchmark: step timing, medians and the peak resident
 * memory of the current process.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: no values');
  if (values.some((v) => !Number.isFinite(v)))
    throw new RangeError(`median: values must be finite, got [${values.join(', ')}]`);
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

interface StepTimes {
  /** Wall-clock seconds of each timed call. */
  seconds: number[];
  /**
   * CPU seconds (user + system, all threads of the process) of each timed call. With one
   * thread this is the call's time minus the time other processes held the core: on a shared
   * machine it stays put when the wall-clock time does not.
   */
  cpuSeconds: number[];
}

function checkCounts(warmup: number, steps: number): void {
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new RangeError(`timeSteps: warmup must be an integer >= 0, got ${warmup}`);
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`timeSteps: steps must be an integer >= 1, got ${steps}`);
}

/** Wall-clock and CPU time from a start taken by `start()` to now, appended to `into`. */
function start(): (into: StepTimes) => void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return (into) => {
    into.seconds.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    into.cpuSeconds.push((c.user + c.system) / 1e6);
  };
}

/**
 * Runs `step` `warmup` times untimed (WebAssembly tiers up to its optimising compiler and the
 * layers allocate their buffers during the first calls), then `steps` times timed.
 */
export function timeSteps(step: () => void, warmup: number, steps: number): StepTimes {
  checkCounts(warmup, steps);
  for (let i = 0; i < warmup; i++) step();
  const times: StepTimes = { seconds: [], cpuSeconds: [] };
  for (let i = 0; i < steps; i++) {
    const stop = start();
    step();
    stop(times);
  }
  return times;
}

/** timeSteps for a step that returns a promise (onnxruntime's session.run), each awaited. */
export async function timeStepsAsync(step: () => Promise<unknown>, warmup: number, steps: number): Promise<StepTimes> {
  checkCounts(warmup, steps);
  for (let i = 0; i < warmup; i++) await step();
  const times: StepTimes = { seconds: [], cpuSeconds: [] };
  for (let i = 0; i < steps; i++) {
    const stop = start();
    await step();
    stop(times);
  }
  return times;
}

/** The `VmHWM` line of /proc/<pid>/status (the peak resident set, "high water mark") in bytes, or null. */
export function parseVmHwm(status: string): number | null {
  const m = /^VmHWM:\s*(\d+)\s*kB\s*$/m.exec(status);
  return m ? Number(m[1]) * 1024 : null;
}

interface PeakRss {
  bytes: number;
  /** Where it came from: Linux's /proc (exact high water mark) or Node's getrusage wrapper. */
  source: 'VmHWM' | 'maxRSS';
}

/**
 * The peak resident memory of this process so far. /proc/self/status is read first because
 * it is what the kernel tracks per process; elsewhere getrusage's maxRSS (KiB) stands in.
 */
export function peakRss(): PeakRss {
  try {
    const bytes = parseVmHwm(readFileSync('/proc/self/status', 'utf8'));
    if (bytes !== null) return { bytes, source: 'VmHWM' };
  } catch {
    // Not Linux: fall through to getrusage.
  }
  return { bytes: process.resourceUsage().maxRSS * 1024, source: 'maxRSS' };
}

/** A short fingerprint of a file (the first 12 hex digits of its SHA-1), to tell builds apart. */
export function fingerprint(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 12);
}
