/**
 * The speed-up of all threads over one, measured paired: one process alternates blocks of
 * 1-thread steps with blocks of many-thread steps on the same model (funt-scaling.ts, and
 * pytorch_resnet.py --paired with torch.set_num_threads). The step sweep measures 1 and 2
 * threads in separate processes, often a minute apart, and this shared machine's speed moves
 * by ±25% on that scale (the same 1-thread configuration ran at 148 and at 198 images/s within
 * a minute): a ratio of two such medians measures the host as much as the threads. Alternating
 * within one process puts both sides in the same moments.
 */

import { lastJsonLine, RecordCheck } from './child-record.js';
import { median } from './measure.js';
import type { RunIdentity } from './measurement.js';

export interface Scaling extends RunIdentity {
  /** Rounds of (1-thread block, many-thread block). */
  rounds: number;
  /** Seconds of every timed 1-thread step, and of every timed many-thread step. */
  secondsOne: number[];
  secondsMany: number[];
  /** median(secondsOne) / median(secondsMany). */
  speedUp: number;
}

interface AlternationOptions {
  rounds: number;
  /** Timed steps per block (each block starts with one untimed step after the switch). */
  steps: number;
  threads: number;
}

/**
 * Alternates `rounds` times a block at 1 thread and a block at `threads`, each an untimed step
 * (the switch may restart a thread pool) and `steps` timed ones.
 */
export async function alternate(
  setThreads: (n: number) => Promise<unknown>,
  step: () => void,
  o: AlternationOptions,
): Promise<{ secondsOne: number[]; secondsMany: number[] }> {
  const secondsOne: number[] = [];
  const secondsMany: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    for (const [count, into] of [
      [1, secondsOne],
      [o.threads, secondsMany],
    ] as const) {
      await setThreads(count);
      step();
      for (let i = 0; i < o.steps; i++) {
        const t0 = performance.now();
        step();
        into.push((performance.now() - t0) / 1000);
      }
    }
  }
  return { secondsOne, secondsMany };
}

export function speedUp(secondsOne: readonly number[], secondsMany: readonly number[]): number {
  return median(secondsOne) / median(secondsMany);
}

/** Checks a child's printed record field by field (the last line of its stdout). */
export function parseScaling(stdout: string, source: string): Scaling {
  const check = new RecordCheck(lastJsonLine(stdout, source), source)
    .oneOf('impl', ['funt', 'native', 'pytorch'])
    .oneOf('mode', ['train', 'infer'])
    .strings('backend', 'model')
    .positives('n', 'threads', 'batch', 'rounds', 'speedUp')
    .numberList('secondsOne')
    .numberList('secondsMany');
  const scaling = check.fields as unknown as Scaling;
  const recomputed = speedUp(scaling.secondsOne, scaling.secondsMany);
  if (Math.abs(recomputed - scaling.speedUp) > 1e-6 * recomputed)
    check.fail('speedUp', `median(secondsOne) / median(secondsMany) = ${recomputed}`);
  return scaling;
}
