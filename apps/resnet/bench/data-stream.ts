/**
 * Training from an image cache on disk (`funt-resnet train --data-cache`): peak memory against
 * the data set's size, a data set 4× a hard memory limit, and the step time with the batch
 * worker against without it, from memory and from disk. One child process per measurement:
 *
 *   cd apps/resnet && npx tsc -p bench/tsconfig.build.json
 *   flock /work/wt/bench.lock node bench/dist/bench/data-stream.js sizes 1,2,4,8 <dir>
 *   flock /work/wt/bench.lock node bench/dist/bench/data-stream.js limit 256 <dir> 0     # one epoch
 *   flock /work/wt/bench.lock node bench/dist/bench/data-stream.js limit 256 <dir> 300   # worker or not
 *   flock /work/wt/bench.lock node bench/dist/bench/data-stream.js overlap <dir> [rounds]
 *
 * `<dir>` holds the generated caches (random 3×32×32 uint8 images, CIFAR-10's size, 10
 * classes), each deleted after its measurements. Each child trains a ResNet-8 (n = 1, F = 4)
 * with batch 128, random crops and flips (the CLI's CIFAR augmentation and standardisation),
 * and prints its peak RSS and the median time between iterations; a child asked for 0
 * iterations trains one whole epoch.
 *
 * `limit` runs its children in a child memory cgroup (cgroup v1, under this process's own)
 * whose `memory.limit_in_bytes` is the limit: page cache counts against it, so a data set 4×
 * the limit is read from disk, and the process cannot use more whatever it does.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compose,
  fitStandardization,
  ImageCacheFile,
  ImageCacheWriter,
  imageCacheSource,
  randomCrops,
  randomFlips,
} from '@funt/datasets';
import { ClassNLLCriterion } from '@funt/layers';
import { type ExampleSource, Solver } from '@funt/solver';
import { Rng } from '@funt/tensor';
import { inputHooks, pixelSource } from '../src/data/hooks.js';
import { resnet } from '../src/model/resnet.js';
import { openSharedPixels } from './shared-pixels.js';

const SHAPE = [3, 32, 32] as const;
const IMAGE = SHAPE[0] * SHAPE[1] * SHAPE[2];
const CLASSES = Array.from({ length: 10 }, (_, i) => `class ${i}`);

/** Where the data comes from and who reads the rows. */
type Mode = 'memory' | 'memory-worker' | 'disk' | 'disk-worker';

/** Peak resident set in MiB (VmHWM). */
function peakMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** Writes `count` random images as an image cache, one at a time (never the whole set in memory). */
function writeCache(path: string, count: number): void {
  const writer = new ImageCacheWriter(path, { count, channels: 3, height: 32, width: 32, classNames: CLASSES });
  const image = new Uint8Array(IMAGE);
  const words = new Uint32Array(image.buffer);
  let s = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < words.length; j++) {
      // xorshift32: cheap, so that writing 8 GiB takes seconds, not minutes
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      words[j] = s >>> 0;
    }
    writer.append(image, i % CLASSES.length);
  }
  writer.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function child(mode: Mode, path: string, iterations: number): Promise<void> {
  const file = ImageCacheFile.open(path);
  const n = file.shape[0];
  let xTrain: ExampleSource;
  if (mode.startsWith('memory')) {
    const pixels = new SharedArrayBuffer(n * IMAGE);
    const bytes = new Uint8Array(pixels);
    for (let at = 0; at < n; at += 4096) {
      const part = file.toImageSet(Int32Array.from({ length: Math.min(4096, n - at) }, (_, k) => at + k));
      bytes.set(part.images as Uint8Array, at * IMAGE);
    }
    xTrain = openSharedPixels(pixels, [n, ...SHAPE]);
  } else {
    xTrain = imageCacheSource(file);
  }
  const val = file.toImageSet(Int32Array.from({ length: 256 }, (_, i) => i));
  const standardization = fitStandardization(val, 'image');
  const hooks = inputHooks(
    { inputShape: [...SHAPE], standardization },
    { augment: compose([randomCrops(32, 32, 4), randomFlips()]), stages: [] },
  );
  const model = resnet({
    n: 1,
    filters: 4,
    inputShape: [...SHAPE],
    classes: 10,
    skip: true,
    hiddenDims: [],
    rng: new Rng(0),
  });
  const times: number[] = [];
  // What moving augmentation and standardisation to the worker could save: their time per batch.
  const augmentTimes: number[] = [];
  let done = 0;
  let last = 0;
  const solver = new Solver(
    model,
    new ClassNLLCriterion(),
    {
      xTrain,
      yTrain: file.labels,
      xVal: pixelSource(val),
      yVal: val.labels,
    },
    {
      batchSize: 128,
      numEpochs: 1,
      updateRule: 'sgd',
      optimConfig: { learningRate: 0.01 },
      augment: (batch, rng) => {
        const t = performance.now();
        const y = hooks.train(batch, rng);
        augmentTimes.push(performance.now() - t);
        return y;
      },
      progress: 'none',
      handleSignals: false,
      numTrainSamples: 0,
      prepareInWorker: mode.endsWith('worker'),
      events: {
        onIteration: () => {
          const now = performance.now();
          // The first intervals (kernels warming up, the worker starting) are left out below.
          if (last > 0) times.push(now - last);
          last = now;
          if (++done === iterations) solver.requestStop();
        },
      },
    },
  );
  const t0 = performance.now();
  await solver.train();
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${JSON.stringify({ mode, images: n, iterations: done, seconds, stepMs: median(times.slice(5)), augmentMs: median(augmentTimes.slice(5)), peakMiB: peakMiB() })}\n`,
  );
}

const self = fileURLToPath(import.meta.url);

interface Result {
  mode: Mode;
  images: number;
  iterations: number;
  seconds: number;
  stepMs: number;
  augmentMs: number;
  peakMiB: number;
}

/** Runs one child process. */
function runChild(mode: Mode, path: string, iterations: number): Result {
  const out = execFileSync(process.execPath, [self, 'child', mode, path, String(iterations)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const GiB = 2 ** 30;

function sizes(list: number[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  const rows = [
    '| data set (GiB) | images | peak RSS, streaming with the worker (MiB) | write (s) |',
    '| ---: | ---: | ---: | ---: |',
  ];
  for (const gib of list) {
    const count = Math.floor((gib * GiB) / IMAGE);
    const path = join(dir, `sizes-${gib}.fic`);
    const t0 = performance.now();
    writeCache(path, count);
    const write = (performance.now() - t0) / 1000;
    const r = runChild('disk-worker', path, 60);
    rmSync(path);
    rows.push(`| ${gib} | ${count.toLocaleString('en-US')} | ${r.peakMiB.toFixed(0)} | ${write.toFixed(0)} |`);
    console.log(rows.at(-1));
  }
  console.log(`\n${rows.join('\n')}`);
}

/** This process's memory cgroup (v1), where a child group can be made. */
function ownMemoryCgroup(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => /^\d+:memory:/.test(l));
  if (!line) throw new Error('no cgroup v1 memory controller for this process');
  return join('/sys/fs/cgroup/memory', line.split(':')[2]);
}

/** Runs `node <this file> <args>` as a process of `cgroup` (it moves itself there before Node starts). */
function inCgroup(cgroup: string, args: string[]): string {
  return execFileSync(
    'sh',
    ['-c', `echo $$ > ${cgroup}/cgroup.procs && exec "$0" "$@"`, process.execPath, self, ...args],
    {
      encoding: 'utf8',
    },
  );
}

/**
 * A data set 4× `limitMiB` trained on in a memory cgroup limited to `limitMiB`. The cache is
 * written from inside the cgroup too, so that none of its pages sits in the page cache outside
 * it; before each child the cgroup's pages are dropped (`memory.force_empty`), so every child
 * reads the file from the disk. `iterations` 0: one whole epoch with the worker (every row read
 * once); else three rounds of `iterations` steps without and with the worker.
 */
function limit(limitMiB: number, dir: string, iterations: number): void {
  mkdirSync(dir, { recursive: true });
  const count = Math.floor((4 * limitMiB * 2 ** 20) / IMAGE);
  const path = join(dir, 'limit.fic');
  const cgroup = join(ownMemoryCgroup(), `funt-data-stream-${process.pid}`);
  mkdirSync(cgroup);
  const read = (f: string) => Number(readFileSync(join(cgroup, f), 'utf8'));
  try {
    writeFileSync(join(cgroup, 'memory.limit_in_bytes'), String(limitMiB * 2 ** 20));
    inCgroup(cgroup, ['write', path, String(count)]);
    console.log(
      `cgroup ${cgroup}: memory.limit_in_bytes ${read('memory.limit_in_bytes') / 2 ** 20} MiB; data set ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB (${count.toLocaleString('en-US')} images), written from inside it`,
    );
    const rows = [
      '| round | mode | iterations | step (ms) | peak RSS (MiB) | cgroup peak (MiB) | limit hits | seconds |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    const plan: [number, Mode][] =
      iterations === 0
        ? [[1, 'disk-worker']]
        : [1, 2, 3].flatMap((round) => [[round, 'disk'] as [number, Mode], [round, 'disk-worker'] as [number, Mode]]);
    for (const [round, mode] of plan) {
      writeFileSync(join(cgroup, 'memory.force_empty'), '0');
      writeFileSync(join(cgroup, 'memory.max_usage_in_bytes'), '0');
      const failBefore = read('memory.failcnt');
      const out = inCgroup(cgroup, ['child', mode, path, String(iterations)]);
      const r: Result = JSON.parse(out.trim().split('\n').pop()!);
      rows.push(
        `| ${round} | ${mode} | ${r.iterations} | ${r.stepMs.toFixed(1)} | ${r.peakMiB.toFixed(0)} | ${(read('memory.max_usage_in_bytes') / 2 ** 20).toFixed(0)} | ${read('memory.failcnt') - failBefore} | ${r.seconds.toFixed(0)} |`,
      );
      console.log(rows.at(-1));
    }
    console.log(`\n${rows.join('\n')}`);
  } finally {
    rmSync(path, { force: true });
    writeFileSync(join(cgroup, 'memory.force_empty'), '0');
    rmdirSync(cgroup);
  }
}

function overlap(dir: string, rounds: number): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'overlap.fic');
  writeCache(path, 50_000);
  const rows = [
    '| round | mode | step (ms) | augmentation + standardisation (ms) | peak RSS (MiB) |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const mode of ['memory', 'memory-worker', 'disk', 'disk-worker'] as Mode[]) {
        const r = runChild(mode, path, 60);
        rows.push(
          `| ${round} | ${mode} | ${r.stepMs.toFixed(1)} | ${r.augmentMs.toFixed(2)} | ${r.peakMiB.toFixed(0)} |`,
        );
        console.log(rows.at(-1));
      }
    }
  } finally {
    rmSync(path);
  }
  console.log(`\n${rows.join('\n')}`);
}

const [, , role, a, b, c] = process.argv;
if (role === 'child') await child(a as Mode, b, Number(c));
else if (role === 'sizes') sizes(a.split(',').map(Number), b);
else if (role === 'write') writeCache(a, Number(b));
else if (role === 'limit') limit(Number(a), b, Number(c ?? 300));
else if (role === 'overlap') overlap(a, Number(b ?? 3));
else {
  console.error('usage: data-stream.js sizes <GiB,…> <dir> | limit <MiB> <dir> [iterations] | overlap <dir> [rounds]');
  process.exitCode = 2;
}
