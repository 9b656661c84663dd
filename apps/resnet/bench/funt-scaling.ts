/**
 * funt's paired speed-up (scaling.ts): one process, one model, blocks of 1-thread steps
 * alternating with blocks of many-thread steps.
 *
 *   node bench/dist/bench/funt-scaling.js --n 3 --mode train --threads 2 [--rounds 10 --steps 2 --batch 128]
 *
 * Prints one Scaling record as JSON on the last line of stdout.
 */
import { parseFlags } from './config.js';
import { funtIdentity, makeStep, useBackendFromEnvironment } from './funt-model.js';
import { alternate, type Scaling, speedUp } from './scaling.js';
import { threadControl } from './threads.js';

async function main(): Promise<Scaling> {
  await useBackendFromEnvironment();
  const o = parseFlags(process.argv.slice(2), {
    n: ['3', 1],
    threads: ['2', 2],
    batch: ['128', 1],
    rounds: ['10', 1],
    steps: ['2', 1],
  });
  const control = threadControl();
  const step = makeStep(o);
  const { secondsOne, secondsMany } = await alternate(
    async (count) => {
      if (!(await control.set(count))) throw new Error(`this @funt/tensor build cannot run ${count} threads`);
    },
    step,
    o,
  );
  return {
    ...funtIdentity(o),
    rounds: o.rounds,
    secondsOne,
    secondsMany,
    speedUp: speedUp(secondsOne, secondsMany),
  };
}

try {
  console.log(JSON.stringify(await main()));
} catch (err) {
  console.error(`funt-scaling: ${(err as Error).message}`);
  process.exitCode = 1;
}
