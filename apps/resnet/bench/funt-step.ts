/**
 * One configuration of the ResNet step benchmark on funt, measured in this process (run.ts
 * starts one process per configuration so that the peak RSS belongs to it alone):
 *
 *   node bench/dist/bench/funt-step.js --n 3 --mode train --threads 1 [--batch 128 --warmup 2 --steps 5]
 *
 * Prints one Measurement as JSON on the last line of stdout. The training step is what the
 * Solver's iteration does (forward, NLL loss, zeroed gradients, backward, update) with
 * @funt/solver's SGD rule (Nesterov momentum 0.9, weight decay 1e-4); inference is a forward
 * pass in evaluation mode.
 *
 * FUNT_MEMORY_PLAN=off runs the model without its memory plan (every module keeps its own
 * buffers), for A/B measurements of peak memory.
 */
import { readFileSync } from 'node:fs';
import { ClassNLLCriterion } from '@funt/layers';
import { Sgd } from '@funt/solver';
import { Rng, type Tensor, getBackend, normal } from '@funt/tensor';
import { resnet } from '../src/model/resnet.js';
import { CLASSES, FILTERS, INPUT_SHAPE, type StepConfig, modelName, parseConfigArgs } from './config.js';
import { type Measurement } from './measurement.js';
import { fingerprint, median, peakRss, timeSteps } from './measure.js';
import { kernelsWasm } from './paths.js';
import { threadControl } from './threads.js';

/** A training step or an inference pass of a fresh, seeded ResNet on one random batch. */
function makeStep(c: StepConfig): () => void {
  const rng = new Rng(0);
  const model = resnet({ n: c.n, filters: FILTERS, inputShape: INPUT_SHAPE, classes: CLASSES, skip: true, hiddenDims: [], rng });
  if (process.env.FUNT_MEMORY_PLAN === 'off') model.planMemory(false);
  const x = normal([c.batch, ...INPUT_SHAPE], rng, 0, 1);
  const y = Int32Array.from({ length: c.batch }, () => rng.int(CLASSES));
  if (c.mode === 'infer') {
    model.evaluate();
    return () => void model.forward(x);
  }
  model.training();
  const criterion = new ClassNLLCriterion();
  const rule = new Sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
  const params = model.parameters();
  return () => {
    const scores = model.forward(x) as Tensor;
    criterion.forward(scores, y);
    model.zeroGradParameters();
    model.backward(x, criterion.backward(scores, y));
    rule.step(params);
  };
}

async function measureFunt(c: StepConfig): Promise<Measurement> {
  // Read now, close to when @funt/tensor compiled it on import, to name the build measured.
  const kernels = fingerprint(readFileSync(kernelsWasm));
  const threadsApplied = await threadControl().set(c.threads);
  const { seconds, cpuSeconds } = timeSteps(makeStep(c), c.warmup, c.steps);
  const med = median(seconds);
  return {
    impl: 'funt',
    backend: getBackend().name,
    model: modelName(c.n),
    n: c.n,
    mode: c.mode,
    threads: c.threads,
    threadsApplied,
    batch: c.batch,
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
