/**
 * funt's paired speed-up (scaling.ts): one process, one model, blocks of 1-thread steps
 * alternating with blocks of many-thread steps.
 *
 *   node bench/dist/bench/funt-scaling.js --n 3 --mode train --threads 2 [--rounds 6 --steps 2 --batch 128]
 *
 * Prints one Scaling record as JSON on the last line of stdout.
 */
import { parseArgs } from 'node:util';
import { getBackend } from '@funt/tensor';
import { modelName } from './config.js';
import type { Mode } from './measurement.js';
import { makeStep } from './funt-model.js';
import { alternate, speedUp, type Scaling } from './scaling.js';
import { threadControl } from './threads.js';

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: 'string', default: '3' },
      mode: { type: 'string', default: 'train' },
      threads: { type: 'string', default: '2' },
      batch: { type: 'string', default: '128' },
      rounds: { type: 'string', default: '6' },
      steps: { type: 'string', default: '2' },
    },
  });
  const int = (flag: keyof typeof values, min: number): number => {
    const v = Number(values[flag]);
    if (!Number.isInteger(v) || v < min) throw new RangeError(`--${flag} must be an integer >= ${min}, got '${values[flag]}'`);
    return v;
  };
  const mode = values.mode;
  if (mode !== 'train' && mode !== 'infer') throw new RangeError(`--mode must be 'train' or 'infer', got '${mode}'`);
  return { n: int('n', 1), mode: mode as Mode, threads: int('threads', 2), batch: int('batch', 1), rounds: int('rounds', 1), steps: int('steps', 1) };
}

async function main(): Promise<Scaling> {
  const o = options(process.argv.slice(2));
  const control = threadControl();
  const step = makeStep(o);
  const { secondsOne, secondsMany } = await alternate(async (count) => {
    if (!(await control.set(count))) throw new Error(`this @funt/tensor build cannot run ${count} threads`);
  }, step, o);
  return {
    impl: 'funt', backend: getBackend().name, model: modelName(o.n), n: o.n, mode: o.mode, threads: o.threads, batch: o.batch,
    rounds: o.rounds, secondsOne, secondsMany, speedUp: speedUp(secondsOne, secondsMany),
  };
}

try {
  console.log(JSON.stringify(await main()));
} catch (err) {
  console.error(`funt-scaling: ${(err as Error).message}`);
  process.exitCode = 1;
}
