/**
 * funt's side of the end-to-end benchmark (tta.ts): a whole training run of the quickstart's
 * recipe on the 60,000-image digit set (mnist60k.ts), through the app's `train` command — the
 * function `funt-resnet train` runs — with the data handed in instead of loaded by name:
 *
 *   node bench/dist/bench/tta-funt.js --data <dir> [--epochs 5 --threads 2 --seed 0 --validation 500]
 *
 * Reads the IDX files (loadMnistIdx), frames the 28×28 digits in 32×32 as the app does for
 * MNIST, splits the held-out digits into validation (the first 500) and test, fits the
 * standardisation on the training images; then `train` runs the Solver (gather, random crops
 * of the image padded by 2 and rotations up to ±10° on each batch, standardisation, the
 * training step; per epoch the accuracy on 1,000 training and on all validation images; the
 * best epoch's parameters restored), saves the model and evaluates it on the test set. No
 * report, figures or checkpoints. Prints a TtaRecord as JSON on the last line of stdout.
 * FUNT_BACKEND=native runs it on the native backend (imported first, as funt-step.ts does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fitStandardization, loadMnistIdx, subset } from '@funt/datasets';
import { getBackend } from '@funt/tensor';
import { train } from '../src/commands/train.js';
import { frameSet } from '../src/data/frame.js';
import type { PreparedData } from '../src/data/load.js';
import { QUICKSTART_RECIPE, trainOptions } from '../src/training/recipes.js';
// Relaxed SIMD on, as funt-resnet turns it on, before the kernels load.
import './kernel-build.js';
import { useBackendFromEnvironment } from './funt-model.js';
import { peakRss } from './measure.js';
import { MNIST60K } from './mnist60k.js';
import type { TtaConfig, TtaRecord } from './tta-record.js';

/** One whole training run (see the module comment); the record the child prints. `log` gets the command's lines. */
export async function trainFunt(c: TtaConfig, log: (line: string) => void = console.error): Promise<TtaRecord> {
  const { epochs, threads, seed, validation } = c;
  const t0 = performance.now();
  const loaded = await loadMnistIdx(c.data);
  const frame = (set: typeof loaded.train) => frameSet(set, 32, 32);
  const heldOut = frame(loaded.test);
  const k = heldOut.shape[0];
  const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  const trainSet = frame(loaded.train);
  const data: PreparedData = {
    dataset: 'mnist-idx',
    train: trainSet,
    val: subset(heldOut, range(0, validation)),
    test: subset(heldOut, range(validation, k)),
    testSplit: 'test',
    classNames: trainSet.classNames,
    inputShape: [1, 32, 32],
    standardization: fitStandardization(trainSet, 'image'),
    flipByDefault: false,
    description: `${c.data}: ${trainSet.shape[0]} training, ${validation} validation, ${k - validation} test`,
  };
  const out = mkdtempSync(join(tmpdir(), 'funt-tta-'));
  try {
    const options = trainOptions(QUICKSTART_RECIPE, {
      epochs,
      seed,
      threads,
      out,
      report: false,
      saliencyCount: 0,
      fooling: false,
      checkpointEvery: 0,
      progress: 'none',
    });
    const outcome = await train(options, { data, log });
    const history = outcome.result.history.epochs;
    return {
      impl: 'funt',
      backend: getBackend().name,
      epochs,
      threads,
      trainImages: trainSet.shape[0],
      trainSeconds: (performance.now() - t0) / 1000,
      epochSeconds: history.map((e) => e.seconds),
      valAccuracy: history.map((e) => e.valAcc),
      bestEpoch: outcome.result.bestEpoch,
      testAccuracy: outcome.results.top1,
      testImages: outcome.results.count,
      peakRssBytes: peakRss().bytes,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The flags, checked (the driver's flags() writes them). */
function parseFlags(argv: string[]): TtaConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      epochs: { type: 'string', default: '5' },
      threads: { type: 'string', default: '1' },
      seed: { type: 'string', default: '0' },
      validation: { type: 'string', default: String(MNIST60K.validation) },
    },
  });
  if (values.data === undefined) throw new RangeError('--data <dir> (the folder mnist60k.ts writes) is required');
  const int = (flag: 'epochs' | 'threads' | 'seed' | 'validation', min: number) => {
    const v = Number(values[flag]);
    if (!Number.isInteger(v) || v < min)
      throw new RangeError(`--${flag} must be an integer >= ${min}, got '${values[flag]}'`);
    return v;
  };
  return {
    data: values.data,
    epochs: int('epochs', 1),
    threads: int('threads', 1),
    seed: int('seed', 0),
    validation: int('validation', 1),
  };
}

// Run as a program (not when a test imports trainFunt).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const config = parseFlags(process.argv.slice(2));
    await useBackendFromEnvironment();
    console.log(JSON.stringify(await trainFunt(config)));
  } catch (err) {
    console.error(`tta-funt: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
