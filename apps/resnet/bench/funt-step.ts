/**
 * One configuration of the ResNet step benchmark on funt, measured in this process (run.ts
 * starts one process per configuration so that the peak RSS belongs to it alone):
 *
 *   node bench/dist/bench/funt-step.js --n 3 --mode train --threads 1 [--batch 128 --warmup 2 --steps 5]
 *
 * Prints one Measurement as JSON on the last line of stdout. The step (training or inference)
 * and FUNT_MEMORY_PLAN are funt-model.ts's; FUNT_BACKEND=native measures the native backend.
 */
import { parseConfigArgs, type StepConfig } from './config.js';
import { funtIdentity, makeStep, useBackendFromEnvironment } from './funt-model.js';
import { loadedKernels } from './kernel-build.js';
import { median, peakRss, timeSteps } from './measure.js';
import type { Measurement } from './measurement.js';
import { threadControl } from './threads.js';

async function measureFunt(c: StepConfig): Promise<Measurement> {
  await useBackendFromEnvironment();
  // Read now, close to when @funt/tensor loads it, to name the build measured.
  const kernels = loadedKernels();
  const threadsApplied = await threadControl().set(c.threads);
  const { seconds, cpuSeconds } = timeSteps(makeStep(c), c.warmup, c.steps);
  const med = median(seconds);
  return {
    ...funtIdentity(c),
    threadsApplied,
    seconds,
    cpuSeconds,
    median: med,
    imagesPerSecond: c.batch / med,
    peakRssBytes: peakRss().bytes,
    kernels,
  };
}

try {
  console.log(JSON.stringify(await measureFunt(parseConfigArgs(process.argv.slice(2)))));
} catch (err) {
  console.error(`funt-step: ${(err as Error).message}`);
  process.exitCode = 1;
}
