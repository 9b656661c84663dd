/**
 * The end-to-end figure: one training epoch of ResNet-20 over 50,000 synthetic 3×32×32 images
 * with random pad-2 crops and horizontal flips, through the real Solver, so the data pipeline
 * (gathering each shuffled batch, augmenting it, standardising it) is timed with the network.
 *
 *   node bench/dist/bench/epoch.js [--images 50000] [--batch 128] [--n 3] [--threads T] [--batches 20]
 *
 * With --batches k it trains on k batches only and estimates the epoch as the median
 * iteration time × images / batch (the full epoch takes minutes). Prints one JSON object.
 */

import { parseArgs } from 'node:util';
import {
  compose,
  fitStandardization,
  type ImageSet,
  randomCrops,
  randomFlips,
  standardize,
  toTensor,
} from '@funt/datasets';
import { ClassNLLCriterion } from '@funt/layers';
import { type AugmentHook, Solver } from '@funt/solver';
import { getBackend, Rng, type Tensor, withBackend } from '@funt/tensor';
import { resnet } from '../src/model/resnet.js';
import { CLASSES, FILTERS, INPUT_SHAPE, modelName } from './config.js';
import { loadedKernels } from './kernel-build.js';
import { median, peakRss } from './measure.js';
import { threadControl } from './threads.js';

export interface EpochResult {
  impl: 'funt';
  backend: string;
  model: string;
  threads: number;
  threadsApplied: boolean;
  /** 'epoch': a whole epoch was timed; 'estimate': `iterations` were, and the epoch extrapolated. */
  kind: 'epoch' | 'estimate';
  images: number;
  batch: number;
  iterations: number;
  /** Seconds of the epoch (measured, or estimated for kind 'estimate'). */
  seconds: number;
  imagesPerSecond: number;
  medianIterationSeconds: number;
  /** Seconds spent in the augmentation + standardisation hook over the timed iterations. */
  augmentSeconds: number;
  peakRssBytes: number;
  /** Fingerprint of the WebAssembly kernels measured. */
  kernels: string;
}

/** Random pixels and labels: the network's speed does not depend on what the images show. */
function syntheticImages(count: number, rng: Rng): ImageSet {
  const [c, h, w] = INPUT_SHAPE;
  const images = new Uint8Array(count * c * h * w);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = Int32Array.from({ length: count }, () => rng.int(CLASSES));
  return {
    images,
    shape: [count, c, h, w],
    labels,
    classNames: Array.from({ length: CLASSES }, (_, k) => `class ${k}`),
  };
}

async function main(): Promise<EpochResult> {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '50000' },
      batch: { type: 'string', default: '128' },
      n: { type: 'string', default: '3' },
      threads: { type: 'string', default: '1' },
      batches: { type: 'string' },
    },
  });
  const int = (flag: string, text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`--${flag} must be a positive integer, got '${text}'`);
    return v;
  };
  const images = int('images', values.images);
  const batch = int('batch', values.batch);
  const n = int('n', values.n);
  const threads = int('threads', values.threads);
  const estimateFrom = values.batches === undefined ? null : int('batches', values.batches);
  const kernels = loadedKernels();
  const threadsApplied = await threadControl().set(threads);

  const rng = new Rng(1);
  const trainCount = estimateFrom === null ? images : Math.min(images, estimateFrom * batch);
  const train = syntheticImages(trainCount, rng);
  const val = syntheticImages(batch, rng);
  // As the app does for CIFAR-10: raw pixels stay in the JS heap (reference backend), the
  // mean image and std come from the training set, and each batch is standardised after
  // augmentation (apps/resnet/src/data/hooks.ts).
  const standardization = fitStandardization(train);
  const xTrain = withBackend('reference', () => toTensor(train, { dtype: 'float32' }));
  const xVal = withBackend('reference', () => toTensor(val, { dtype: 'float32' }));
  const pipeline = compose([randomCrops(INPUT_SHAPE[1], INPUT_SHAPE[2], 2), randomFlips()]);
  let augmentSeconds = 0;
  const augment: AugmentHook = (x: Tensor, r: Rng) => {
    const t0 = performance.now();
    const y = pipeline(x, r);
    standardize(y, standardization, y);
    augmentSeconds += (performance.now() - t0) / 1000;
    return y;
  };

  const model = resnet({
    n,
    filters: FILTERS,
    inputShape: INPUT_SHAPE,
    classes: CLASSES,
    skip: true,
    hiddenDims: [],
    rng: new Rng(0),
  });
  const ticks: number[] = [];
  const solver = new Solver(
    model,
    new ClassNLLCriterion(),
    { xTrain, yTrain: train.labels, xVal, yVal: val.labels },
    {
      batchSize: batch,
      numEpochs: 1,
      updateRule: 'sgd',
      optimConfig: { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
      augment,
      // No training-accuracy check; the validation check (required by the Solver) sees one batch.
      numTrainSamples: 0,
      restoreBest: false,
      progress: estimateFrom === null ? 'lines' : 'none',
      stream: process.stderr,
      printEvery: 50,
      events: { onIteration: () => ticks.push(performance.now()) },
    },
  );
  const t0 = performance.now();
  ticks.push(t0);
  await solver.train();
  const wall = (performance.now() - t0) / 1000;
  const intervals = ticks.slice(1).map((t, i) => (t - ticks[i]) / 1000);
  // The first two iterations allocate buffers and run WebAssembly before it is optimised.
  const steady = intervals.length > 4 ? intervals.slice(2) : intervals;
  const medianIterationSeconds = median(steady);
  const seconds = estimateFrom === null ? wall : (medianIterationSeconds * images) / batch;
  xTrain.dispose();
  xVal.dispose();
  return {
    impl: 'funt',
    backend: getBackend().name,
    model: modelName(n),
    threads,
    threadsApplied,
    kind: estimateFrom === null ? 'epoch' : 'estimate',
    images,
    batch,
    iterations: intervals.length,
    seconds,
    imagesPerSecond: images / seconds,
    medianIterationSeconds,
    augmentSeconds,
    peakRssBytes: peakRss().bytes,
    kernels,
  };
}

try {
  console.log(JSON.stringify(await main()));
} catch (err) {
  console.error(`epoch: ${(err as Error).message}`);
  process.exitCode = 1;
}
