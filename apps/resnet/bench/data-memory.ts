/**
 * Peak memory of training against the size of the training set: the split given to the solver
 * as one float tensor (4 bytes a value, made from the uint8 pixels) or as uint8 pixels converted
 * per batch (`pixelSource`, what `funt-resnet train` does). One child process per measurement,
 * so each peak RSS belongs to one configuration:
 *
 *   pnpm --filter @funt/resnet exec tsc -p bench/tsconfig.build.json
 *   flock /work/wt/bench.lock node apps/resnet/bench/dist/bench/data-memory.js [images per unit]
 *
 * Each child makes `units × images` random 3×32×32 uint8 images (CIFAR-10's size), trains a
 * ResNet-8 (n = 1, F = 4) on them for 20 iterations of 128 images, and prints its peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { imageSet } from '@funt/datasets';
import { ClassNLLCriterion } from '@funt/layers';
import { type Examples, Solver } from '@funt/solver';
import { Rng } from '@funt/tensor';
import { pixelSource, rawTensor } from '../src/data/hooks.js';
import { resnet } from '../src/model/resnet.js';

type Mode = 'float-tensor' | 'uint8-source';

/** Peak resident set in MiB: VmHWM where Linux has it, else Node's maxRSS. */
function peakMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function child(mode: Mode, count: number): Promise<void> {
  const pixels = new Uint8Array(count * 3 * 32 * 32);
  randomFillSync(pixels);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 10);
  const names = Array.from({ length: 10 }, (_, i) => String(i));
  const train = imageSet(pixels, [count, 3, 32, 32], labels, names);
  const val = imageSet(pixels.subarray(0, 500 * 3072), [500, 3, 32, 32], labels.subarray(0, 500), names);
  const x = (set: typeof train): Examples => (mode === 'float-tensor' ? rawTensor(set) : pixelSource(set));
  const model = resnet({
    n: 1,
    filters: 4,
    inputShape: [3, 32, 32],
    classes: 10,
    skip: true,
    hiddenDims: [],
    rng: new Rng(0),
  });
  let iterations = 0;
  const solver = new Solver(
    model,
    new ClassNLLCriterion(),
    { xTrain: x(train), yTrain: labels, xVal: x(val), yVal: val.labels },
    {
      batchSize: 128,
      numEpochs: 1,
      updateRule: 'sgd',
      optimConfig: { learningRate: 0.01 },
      progress: 'none',
      handleSignals: false,
      numTrainSamples: 0,
      events: {
        onIteration: () => {
          if (++iterations === 20) solver.requestStop();
        },
      },
    },
  );
  await solver.train();
  process.stdout.write(`${JSON.stringify({ mode, count, iterations, peakMiB: peakMiB() })}\n`);
}

function parent(unit: number): void {
  const self = fileURLToPath(import.meta.url);
  const rows: string[] = [
    '| images | uint8 pixels (MiB) | float tensor: peak RSS (MiB) | uint8, per batch: peak RSS (MiB) |',
    '| ---: | ---: | ---: | ---: |',
  ];
  for (const units of [1, 2, 4]) {
    const count = units * unit;
    const peak: Record<string, number> = {};
    for (const mode of ['float-tensor', 'uint8-source'] as Mode[]) {
      const out = execFileSync(process.execPath, [self, 'child', mode, String(count)], { encoding: 'utf8' });
      peak[mode] = JSON.parse(out.trim().split('\n').pop()!).peakMiB;
    }
    rows.push(
      `| ${count.toLocaleString('en-US')} | ${((count * 3072) / 2 ** 20).toFixed(0)} | ${peak['float-tensor'].toFixed(0)} | ${peak['uint8-source'].toFixed(0)} |`,
    );
    console.log(rows.at(-1));
  }
  console.log(`\n${rows.join('\n')}`);
}

const [, , role, mode, count] = process.argv;
if (role === 'child') await child(mode as Mode, Number(count));
else parent(Number(role ?? 50_000));
