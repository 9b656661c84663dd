/**
 * Where a step's time goes, by backend op: every method of the backend in use is wrapped with a
 * wall-clock timer, and the step runs `--steps` times after the warm-up (funt-step.ts's flags):
 *
 *   FUNT_BACKEND=native node bench/dist/bench/op-times.js --n 3 --mode train --threads 2 --steps 8
 *
 * Prints one line per op (milliseconds per step, share of the step) and the time outside the
 * ops (JavaScript between the kernels). A kernel that calls another op of the same backend is
 * counted in both, so the shares may add up to more than the step. The timers cost about a
 * microsecond a call: compare figures of one run, not across tools.
 */
import { getBackend } from '@funt/tensor';
import { parseConfigArgs, type StepConfig } from './config.js';
import { makeStep, useBackendFromEnvironment } from './funt-model.js';
import { type Timed, timeOps } from './op-timer.js';
import { threadControl } from './threads.js';

async function main(c: StepConfig): Promise<void> {
  await useBackendFromEnvironment();
  await threadControl().set(c.threads);
  const step = makeStep(c);
  for (let i = 0; i < c.warmup; i++) step();
  const totals = new Map<string, number>();
  timeOps(getBackend() as unknown as Timed, totals);
  const t0 = performance.now();
  for (let i = 0; i < c.steps; i++) step();
  const perStep = (performance.now() - t0) / c.steps;
  let inOps = 0;
  console.log(`${getBackend().name}, ${c.mode}, ${c.threads} thread(s), ${perStep.toFixed(2)} ms a step`);
  for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1])) {
    const each = ms / c.steps;
    inOps += each;
    console.log(
      `${name.padEnd(24)} ${each.toFixed(2).padStart(8)} ms ${((100 * each) / perStep).toFixed(1).padStart(5)} %`,
    );
  }
  console.log(`${'outside the ops'.padEnd(24)} ${(perStep - inOps).toFixed(2).padStart(8)} ms`);
}

try {
  await main(parseConfigArgs(process.argv.slice(2)));
} catch (err) {
  console.error(`op-times: ${(err as Error).message}`);
  process.exitCode = 1;
}
