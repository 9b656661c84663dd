/**
 * `pnpm bench` in apps/resnet: ResNet-20 and ResNet-56 (3×32×32, 10 classes, batch 128) on
 * funt (its wasm backend, and the native one of @funt/tensor-native where it is built), on
 * PyTorch and (inference) on onnxruntime, in the same run:
 *
 *   - a full training step (forward, NLL loss, backward, SGD Nesterov update) and an
 *     inference pass, with 1 thread and with all threads, median of several steps after
 *     warm-up, in images/s; each configuration in its own process for its peak RSS; the
 *     inference pass also on onnxruntime-node, running the same seeded network as exported by
 *     the app's `export` command (onnx-model.ts);
 *   - one training epoch over 50,000 synthetic images with flip + pad-2 crop augmentation
 *     through the Solver (estimated from 20 batches unless --epoch or --full);
 *   - the ResNet-20 training speed-up of all threads over one, paired: one process per
 *     implementation alternating 1-thread and all-thread steps (scaling.ts says why);
 *   - with --tta (or --full): the end-to-end figure, a whole training run of the quickstart's
 *     recipe on 60,000 digits on funt and on PyTorch, wall time and test accuracy (tta.ts);
 *   - funt/PyTorch and funt/onnxruntime ratios for every figure, the performance targets, a
 *     table on stdout and bench-results/resnet.json at the repository root.
 *
 * Flags: --quick (fewer steps), --full (more steps, the whole epoch and the end-to-end run),
 * --epoch (the whole epoch), --tta (the end-to-end run; --tta-rounds k, --tta-epochs e),
 * --models 20,56, --rounds k (repeat the step sweep k times and pool each configuration's
 * steps), --only steps|epoch|tta, --no-pytorch, --no-onnxruntime, --no-native; instead of all that, --profile
 * (a CPU profile of the ResNet-20 training-step loop, summarised into bench-results/) or
 * --markdown (the tables of BENCHMARKS.md from bench-results/resnet.json and tensor.json).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { configArgs, modelName, type StepConfig } from './config.js';
import type { EpochResult } from './epoch.js';
import { benchKernels } from './kernel-build.js';
import { resnetMarkdown, type TensorRow, tensorMarkdown } from './markdown.js';
import { fingerprint, median } from './measure.js';
import { type Measurement, parseMeasurement, poolMeasurements } from './measurement.js';
import { ensureMnist60k, MNIST60K } from './mnist60k.js';
import { exportBenchModel } from './onnx-model.js';
import { type OrtStatus, ortStatus } from './onnxruntime.js';
import { benchDistDir, repoDir } from './paths.js';
import { profileMarkdown, summariseProfile, wasmFunctionNames } from './profile.js';
import { PYTHON, runPytorch, runPytorchScaling, type TorchStatus, torchStatus } from './pytorch.js';
import {
  checkTargets,
  formatTable,
  type Pair,
  pairedScalingRows,
  pairRows,
  partOf,
  type ResultRow,
  scalingRows,
} from './results.js';
import { parseScaling, type Scaling } from './scaling.js';
import { threadControl } from './threads.js';
import { runTta, type TtaRun, ttaRows } from './tta.js';
import type { TtaConfig } from './tta-record.js';

const BATCH = 128;
const EPOCH_IMAGES = 50_000;
const ESTIMATE_BATCHES = 20;

function usage(): never {
  console.log(
    'usage: node bench/dist/bench/run.js [--quick | --full] [--epoch] [--tta] [--models 20,56] [--rounds k] [--tta-rounds k] [--tta-epochs e] [--only steps|epoch|tta] [--no-pytorch] [--no-onnxruntime] [--no-native] [--profile] [--markdown]',
  );
  process.exit(0);
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

/** Runs a compiled child of the benchmark with Node and returns its stdout (stderr passes through). */
function runNode(script: string, args: string[], nodeFlags: string[] = [], backend?: string): string {
  const r = spawnSync(process.execPath, [...nodeFlags, join(benchDistDir, script), ...args], {
    encoding: 'utf8',
    env: backend ? { ...process.env, FUNT_BACKEND: backend } : process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (r.error) throw new Error(`${script}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`node ${script} ${args.join(' ')} exited with code ${r.status}`);
  return r.stdout;
}

/** funt on its default backend (wasm), or on `backend` ('native'). */
function runFunt(config: StepConfig, backend?: string): Measurement {
  const args = configArgs(config);
  const env = backend ? `FUNT_BACKEND=${backend} ` : '';
  return parseMeasurement(runNode('funt-step.js', args, [], backend), `${env}node funt-step.js ${args.join(' ')}`);
}

/** Whether funt's native backend is measured too: @funt/tensor-native installed and built here. */
interface NativeSide {
  available: boolean;
  reason: string;
}

async function nativeSide(skip: boolean): Promise<NativeSide> {
  if (skip) return { available: false, reason: '--no-native' };
  try {
    const status = (await import('@funt/tensor-native')).nativeStatus();
    return status.available
      ? { available: true, reason: `native backend (${status.cpu}), measured in the same run` }
      : { available: false, reason: status.reason };
  } catch (err) {
    return { available: false, reason: `@funt/tensor-native is not installed (${(err as Error).message})` };
  }
}

function runOrt(config: StepConfig, onnx: string): Measurement {
  const args = ['--onnx', onnx, ...configArgs(config)];
  return parseMeasurement(runNode('ort-step.js', args), `node ort-step.js ${args.join(' ')}`);
}

/** onnxruntime's side of the sweep: where it runs, and the exported model of each depth. */
interface OrtSide {
  status: OrtStatus;
  /** The ONNX file of ResNet-(6n+2), by n. */
  models: Map<number, string>;
}

/**
 * The paired speed-up of `threads` over 1 for ResNet-20 training (scaling.ts), funt then
 * PyTorch, each in its own process; `rounds` blocks of `steps` steps per side.
 */
function pairedScaling(
  threads: number,
  rounds: number,
  steps: number,
  torch: TorchStatus,
  native: NativeSide,
): { runs: Scaling[]; failures: string[] } {
  const flags = [
    '--n',
    '3',
    '--mode',
    'train',
    '--threads',
    String(threads),
    '--batch',
    String(BATCH),
    '--rounds',
    String(rounds),
    '--steps',
    String(steps),
  ];
  const runs: Scaling[] = [];
  const failures: string[] = [];
  const report = (s: Scaling) =>
    console.log(
      `ResNet-20 training, ${threads} threads / 1, paired: ${s.impl} ${s.speedUp.toFixed(2)}× (median step ${(median(s.secondsOne) * 1000).toFixed(0)} ms at 1 thread, ${(median(s.secondsMany) * 1000).toFixed(0)} ms at ${threads}; ${rounds} rounds)`,
    );
  const attempt = (f: () => Scaling) => {
    try {
      const s = f();
      report(s);
      runs.push(s);
    } catch (err) {
      failures.push((err as Error).message);
      console.error(`bench: ${(err as Error).message}`);
    }
  };
  attempt(() => parseScaling(runNode('funt-scaling.js', flags), `node funt-scaling.js ${flags.join(' ')}`));
  if (native.available)
    attempt(() =>
      parseScaling(
        runNode('funt-scaling.js', flags, [], 'native'),
        `FUNT_BACKEND=native node funt-scaling.js ${flags.join(' ')}`,
      ),
    );
  if (torch.available) attempt(() => runPytorchScaling(flags));
  return { runs, failures };
}

const MiB = 1024 * 1024;

/** A native measurement with its ratios to funt on wasm, PyTorch and onnxruntime of the same configuration. */
function describeNative(m: Measurement, p: Pick<Pair, 'funt' | 'pytorch' | 'onnxruntime'>): string {
  const to = (other: Measurement | null, name: string) =>
    other ? `, native/${name} ${(m.imagesPerSecond / other.imagesPerSecond).toFixed(2)}` : '';
  return `${describe(m)}  →${to(p.funt, 'wasm').slice(1)}${to(p.pytorch, 'PyTorch')}${to(p.onnxruntime, 'onnxruntime')}`;
}

function describe(m: Measurement): string {
  return `${m.imagesPerSecond.toFixed(1)} images/s (median ${(m.median * 1000).toFixed(0)} ms of ${m.seconds.length}), peak ${(m.peakRssBytes / MiB).toFixed(0)} MiB`;
}

function machineLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
}

/** The commit measured, and whether the working tree differs from it in the packages the benchmark runs. */
function sourceLine(): string {
  const git = (args: string[]) => spawnSync('git', args, { cwd: repoDir, encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'source: not a git checkout';
  // Porcelain lines are 'XY path': two status columns (the first may be a space), a space, the path.
  const dirty = git(['status', '--porcelain', '--', 'packages', 'apps/resnet/src'])
    .stdout.split('\n')
    .filter((l) => l.length > 3);
  const where = [...new Set(dirty.map((l) => l.slice(3).split('/').slice(0, 2).join('/')))];
  return `source: commit ${head.stdout.trim()}${dirty.length ? ` plus uncommitted changes in ${where.join(', ')}` : ''}`;
}

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/**
 * The step benchmark: funt and PyTorch alternate configuration by configuration, so that the
 * machine's load falls on both alike; with several rounds the whole sweep repeats and each
 * configuration's steps are pooled (a slow spell then hits a few steps of every configuration).
 */
function stepPairs(
  models: number[],
  threadCounts: number[],
  warmup: number,
  steps: number,
  torch: TorchStatus,
  ort: OrtSide,
  native: NativeSide,
  rounds: number,
): { pairs: Pair[]; failures: string[] } {
  const sweeps: Pair[][] = [];
  const failures: string[] = [];
  for (let r = 0; r < rounds; r++) {
    if (rounds > 1) console.log(`round ${r + 1} of ${rounds}`);
    const sweep = stepSweep(models, threadCounts, warmup, steps, torch, ort, native);
    sweeps.push(sweep.pairs);
    failures.push(...sweep.failures);
  }
  if (rounds === 1) return { pairs: sweeps[0], failures };
  const key = (p: Pair) => `${p.model} ${p.mode} ${p.threads}`;
  const pairs = [...new Set(sweeps.flat().map(key))].map((k) => {
    const all = sweeps.flat().filter((p) => key(p) === k);
    const pool = (runs: (Measurement | null)[]) => {
      const measured = runs.filter((m): m is Measurement => m !== null);
      return measured.length ? poolMeasurements(measured) : null;
    };
    return {
      ...all[0],
      funt: poolMeasurements(all.map((p) => p.funt)),
      native: pool(all.map((p) => p.native)),
      pytorch: pool(all.map((p) => p.pytorch)),
      onnxruntime: pool(all.map((p) => p.onnxruntime)),
    };
  });
  console.log(`\npooled over ${rounds} rounds:`);
  for (const p of pairs) {
    const label = `${p.model} ${p.mode === 'train' ? 'training step' : 'inference'}, ${p.threads} thread${p.threads > 1 ? 's' : ''}`;
    const vs = (m: Measurement | null, name: string) =>
      m ? `; ${name} ${describe(m)}  → funt/${name} ${(p.funt.imagesPerSecond / m.imagesPerSecond).toFixed(2)}` : '';
    console.log(`${label}: funt ${describe(p.funt)}${vs(p.pytorch, 'PyTorch')}${vs(p.onnxruntime, 'onnxruntime')}`);
    if (p.native) console.log(`${label}: native ${describeNative(p.native, p)}`);
  }
  return { pairs, failures };
}

/** One sweep over the configurations. */
function stepSweep(
  models: number[],
  threadCounts: number[],
  warmup: number,
  steps: number,
  torch: TorchStatus,
  ort: OrtSide,
  native: NativeSide,
): { pairs: Pair[]; failures: string[] } {
  const pairs: Pair[] = [];
  const failures: string[] = [];
  const attempt = (f: () => Measurement): Measurement | null => {
    try {
      return f();
    } catch (err) {
      failures.push((err as Error).message);
      console.error(`bench: ${(err as Error).message}`);
      return null;
    }
  };
  for (const n of models) {
    for (const threads of threadCounts) {
      for (const mode of ['train', 'infer'] as const) {
        const config: StepConfig = { n, mode, threads, batch: BATCH, warmup, steps };
        const label = `${modelName(n)} ${mode === 'train' ? 'training step' : 'inference'}, ${threads} thread${threads > 1 ? 's' : ''}`;
        try {
          const funt = runFunt(config);
          console.log(`${label}: funt ${describe(funt)}`);
          const nativeRun = native.available ? attempt(() => runFunt(config, 'native')) : null;
          const pytorch = torch.available ? attempt(() => runPytorch(config)) : null;
          if (pytorch)
            console.log(
              `${label}: PyTorch ${describe(pytorch)}  → funt/PyTorch ${(funt.imagesPerSecond / pytorch.imagesPerSecond).toFixed(2)}`,
            );
          const onnx = mode === 'infer' ? ort.models.get(n) : undefined;
          const onnxruntime = onnx ? attempt(() => runOrt(config, onnx)) : null;
          if (onnxruntime)
            console.log(
              `${label}: onnxruntime ${describe(onnxruntime)}  → funt/onnxruntime ${(funt.imagesPerSecond / onnxruntime.imagesPerSecond).toFixed(2)}`,
            );
          const pair = { model: modelName(n), mode, threads, funt, native: nativeRun, pytorch, onnxruntime };
          if (nativeRun) console.log(`${label}: native ${describeNative(nativeRun, pair)}`);
          pairs.push(pair);
        } catch (err) {
          failures.push((err as Error).message);
          console.error(`bench: ${(err as Error).message}`);
        }
      }
    }
  }
  return { pairs, failures };
}

function epochRows(e: EpochResult): ResultRow[] {
  const name = `${e.model} epoch${e.kind === 'estimate' ? ' (estimate)' : ''}`;
  const notes = [
    `${e.images.toLocaleString('en-US')} synthetic images, flip + pad-2 crops, Solver${e.kind === 'estimate' ? `; median iteration of ${e.iterations} batches × ${e.images}/${e.batch}` : ''}`,
    ...(e.threadsApplied ? [] : [`asked for ${e.threads} threads; this build runs its kernels on one`]),
  ];
  const base = {
    impl: 'funt' as const,
    backend: e.backend,
    threads: e.threads,
    kernels: e.kernels,
    note: notes.join('; '),
  };
  return [
    { name, ...base, median: Number(e.seconds.toFixed(1)), unit: 's' },
    { name: `${name} throughput`, ...base, median: Number(e.imagesPerSecond.toFixed(1)), unit: 'images/s' },
  ];
}

function runEpoch(threads: number, whole: boolean): EpochResult {
  const args = ['--images', String(EPOCH_IMAGES), '--batch', String(BATCH), '--n', '3', '--threads', String(threads)];
  if (!whole) args.push('--batches', String(ESTIMATE_BATCHES));
  const out = runNode('epoch.js', args).trim().split('\n');
  return JSON.parse(out[out.length - 1]) as EpochResult;
}

/**
 * The end-to-end training run (tta.ts) on funt and on PyTorch, `rounds` times each, the order
 * alternating by round; the data set is made first if bench-results/mnist60k does not hold it.
 */
function endToEnd(
  threads: number,
  epochs: number,
  rounds: number,
  torch: TorchStatus,
): { rows: ResultRow[]; failures: string[] } {
  const data = ensureMnist60k(join(repoDir, 'bench-results', 'mnist60k'), (line) => console.log(line));
  const config: TtaConfig = { data, epochs, threads, seed: 0, validation: MNIST60K.validation };
  console.log(
    `\nend-to-end: the quickstart recipe (ResNet-14, F = 8, batch 64, cosine, crops + rotations) for ${epochs} epochs on ${data} (mnist60k.ts), ${threads} thread${threads > 1 ? 's' : ''}, ${rounds} round${rounds > 1 ? 's' : ''}, the whole process timed`,
  );
  const runs: Record<'funt' | 'pytorch', TtaRun[]> = { funt: [], pytorch: [] };
  const failures: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const impls: ('funt' | 'pytorch')[] = torch.available ? ['funt', 'pytorch'] : ['funt'];
    for (const impl of r % 2 === 0 ? impls : impls.reverse()) {
      try {
        const run = runTta(impl, config);
        runs[impl].push(run);
        const rec = run.record;
        console.log(
          `  ${impl === 'funt' ? 'funt' : 'PyTorch'}: ${run.wallSeconds.toFixed(1)} s (training ${rec.trainSeconds.toFixed(1)} s; epochs ${rec.epochSeconds.map((x) => x.toFixed(1)).join(', ')} s), test accuracy ${(100 * rec.testAccuracy).toFixed(2)}% (best epoch ${rec.bestEpoch}), peak ${(rec.peakRssBytes / MiB).toFixed(0)} MiB`,
        );
      } catch (err) {
        failures.push((err as Error).message);
        console.error(`bench: ${(err as Error).message}`);
      }
    }
  }
  return { rows: ttaRows(runs.funt, runs.pytorch, epochs), failures };
}

/** The kernels as a profiled process loads them, with names for its wasm-function[i] frames. */
function kernelNames(): { file: string; bytes: Buffer; names: Map<number, string>; note: string } {
  const { build, wasm: file, wat: watFile } = benchKernels();
  const bytes = readFileSync(file);
  const wat = existsSync(watFile) ? readFileSync(watFile, 'utf8') : undefined;
  const names = wasmFunctionNames(bytes, wat);
  const watName = `packages/tensor/build/${basename(watFile)}`;
  const note =
    names.size > wasmFunctionNames(bytes).size
      ? `${build} build; unexported WebAssembly functions named from ${watName}`
      : `${build} build; unexported WebAssembly functions shown by index (${wat === undefined ? 'no' : 'a stale'} ${watName}; \`node scripts/build-wasm.mjs --text\` there writes one)`;
  return { file, bytes, names, note };
}

/**
 * One profiled run of the ResNet-20 training-step loop with `threads` threads: a Markdown
 * section per profiled thread (node --cpu-prof writes one file for the main thread and one per
 * worker). The main thread counts from the step loop on; a worker, all of its life.
 */
function profileSection(threads: number, out: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'funt-bench-profile-'));
  try {
    const kernels = kernelNames();
    const config: StepConfig = { n: 3, mode: 'train', threads, batch: BATCH, warmup: 1, steps: 5 };
    const command = `node --cpu-prof bench/dist/bench/funt-step.js ${configArgs(config).join(' ')}`;
    console.log(`profiling: ${command}`);
    const m = parseMeasurement(
      runNode('funt-step.js', configArgs(config), ['--cpu-prof', `--cpu-prof-dir=${dir}`]),
      command,
    );
    console.log(`  ${describe(m)} (under the profiler); kernels ${fingerprint(kernels.bytes)}; ${kernels.note}`);
    // Kernels rebuilt meanwhile would get the wrong names.
    if (!kernels.bytes.equals(readFileSync(kernels.file)))
      throw new Error(`${kernels.file} changed while profiling: run --profile again`);
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread.
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort();
    if (files.length === 0) throw new Error(`node --cpu-prof wrote no .cpuprofile into ${dir}`);
    const parts = [
      `## ${threads} thread${threads > 1 ? 's' : ''}`,
      '',
      `\`${command}\` (1 warm-up + 5 timed steps): ${describe(m)} under the profiler; kernels ${fingerprint(kernels.bytes)}; ${kernels.note}.`,
    ];
    files.forEach((f, i) => {
      const profile = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const summary = summariseProfile(profile, kernels.names, i === 0 ? { focus: 'timeSteps', top: 20 } : { top: 12 });
      const copy = `resnet-train-step-${threads}t-${i === 0 ? 'main' : `worker${i}`}.cpuprofile`;
      copyFileSync(join(dir, f), join(out, copy));
      parts.push(
        '',
        `### ${i === 0 ? 'Main thread' : `Worker ${i}`} (${copy})`,
        '',
        profileMarkdown(summary, i === 0 ? 'in the step loop' : 'in the whole life of the worker'),
      );
    });
    return parts.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** --profile: the ResNet-20 training-step loop under `node --cpu-prof`, with 1 and with all threads, summarised into bench-results/. */
function profile(threadCounts: number[]): void {
  const out = join(repoDir, 'bench-results');
  mkdirSync(out, { recursive: true });
  const sections = threadCounts.map((t) => profileSection(t, out));
  const text = [
    `# Profile of the ResNet-20 training step (${new Date().toISOString()})`,
    '',
    `${machineLine()}; load average ${load()} at the end; ${sourceLine()}. Batch ${BATCH}, 3×32×32, 10 classes; self time is where a function itself runs, inclusive time counts what it calls too.`,
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  writeFileSync(join(out, 'resnet-profile.md'), text);
  console.log(`\n${text}`);
  console.log(
    `wrote ${join(out, 'resnet-profile.md')} and the .cpuprofile files beside it (open them in Chrome DevTools or speedscope)`,
  );
}

const OPTIONS = {
  quick: { type: 'boolean', default: false },
  full: { type: 'boolean', default: false },
  epoch: { type: 'boolean', default: false },
  models: { type: 'string', default: '20,56' },
  rounds: { type: 'string', default: '1' },
  only: { type: 'string' },
  'no-pytorch': { type: 'boolean', default: false },
  'no-onnxruntime': { type: 'boolean', default: false },
  'no-native': { type: 'boolean', default: false },
  tta: { type: 'boolean', default: false },
  'tta-rounds': { type: 'string', default: '1' },
  'tta-epochs': { type: 'string', default: '5' },
  profile: { type: 'boolean', default: false },
  markdown: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

async function main(): Promise<void> {
  // `pnpm bench -- --flag` hands the '--' on to the script: drop it.
  const argv = process.argv.slice(2);
  if (argv[0] === '--') argv.shift();
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS });
  } catch (err) {
    fail(`${(err as Error).message} (--help lists the flags)`);
  }
  const { values } = parsed;
  if (values.help) usage();
  if (values.quick && values.full) fail('--quick and --full exclude each other');
  const models = values.models.split(',').map((s) => {
    const depth = Number(s.trim());
    if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0)
      fail(`--models takes depths 6n+2 (20, 32, 44, 56, 110), got '${s}'`);
    return (depth - 2) / 6;
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20)
    fail(`--rounds takes a whole number from 1 to 20, got '${values.rounds}'`);
  if (values.only !== undefined && !['steps', 'epoch', 'tta'].includes(values.only))
    fail(`--only must be 'steps', 'epoch' or 'tta', got '${values.only}'`);
  for (const flag of ['tta-rounds', 'tta-epochs'] as const) {
    const v = Number(values[flag]);
    if (!Number.isInteger(v) || v < 1 || v > 20)
      fail(`--${flag} takes a whole number from 1 to 20, got '${values[flag]}'`);
  }
  const all = availableParallelism();
  const threadCounts = all > 1 ? [1, all] : [1];
  const threads = threadControl();

  console.log(`@funt/resnet benchmark, ${new Date().toISOString()}`);
  console.log(`${machineLine()}; load average ${load()} (a shared machine: other processes lower every figure)`);
  console.log(sourceLine());
  console.log(
    threads.setterName
      ? `threads: @funt/tensor's ${threads.setterName}() sets 1 and ${all}`
      : `threads: this @funt/tensor build has no thread setting yet (no setThreads export): the ${all}-thread runs use one thread`,
  );
  if (values.profile) {
    profile(threadCounts);
    return;
  }
  if (values.markdown) {
    // Each table from its own results file; a missing or unreadable one is named, not fatal.
    const read = (name: string, command: string): unknown[] | null => {
      const path = join(repoDir, 'bench-results', name);
      try {
        const rows = JSON.parse(readFileSync(path, 'utf8'));
        if (Array.isArray(rows)) return rows;
        console.error(`bench: ${path} is not a list of rows; run ${command}`);
      } catch (e) {
        console.error(`bench: cannot read ${path} (${(e as Error).message}); run ${command}`);
      }
      return null;
    };
    const resnet = read('resnet.json', 'pnpm --filter @funt/resnet bench');
    const tensor = read('tensor.json', 'pnpm --filter @funt/tensor bench');
    if (resnet) console.log(`\n${resnetMarkdown(resnet as ResultRow[])}`);
    if (tensor) console.log(`\n${tensorMarkdown(tensor as TensorRow[])}`);
    if (!resnet || !tensor) process.exitCode = 1;
    return;
  }
  const torch: TorchStatus = values['no-pytorch']
    ? { available: false, reason: '--no-pytorch' }
    : values.only === 'epoch'
      ? { available: false, reason: 'the epoch figure is funt only' }
      : torchStatus();
  console.log(
    torch.available
      ? `PyTorch ${torch.version} (${PYTHON}), measured in the same run`
      : `PyTorch skipped: ${torch.reason}`,
  );
  const ortDir = mkdtempSync(join(tmpdir(), 'funt-bench-onnx-'));
  const ort: OrtSide = {
    status: values['no-onnxruntime']
      ? { available: false, reason: '--no-onnxruntime' }
      : values.only === 'epoch' || values.only === 'tta'
        ? { available: false, reason: `--only ${values.only} measures no inference` }
        : await ortStatus(),
    models: new Map(),
  };
  if (ort.status.available) {
    for (const n of models) ort.models.set(n, exportBenchModel(n, ortDir));
    console.log(
      `onnxruntime-node ${ort.status.version}, inference, measured in the same run on the same networks exported by funt-resnet's export command`,
    );
  } else console.log(`onnxruntime skipped: ${ort.status.reason}`);
  const native =
    values.only === 'epoch' || values.only === 'tta'
      ? { available: false, reason: `--only ${values.only} measures funt on wasm only` }
      : await nativeSide(values['no-native']);
  console.log(native.available ? native.reason : `native backend skipped: ${native.reason}`);
  try {
    await measureAll(values, models, threadCounts, torch, ort, native);
  } finally {
    rmSync(ortDir, { recursive: true, force: true });
  }
}

/** The step sweep, the paired speed-up and the epoch; the table, the targets and resnet.json. */
async function measureAll(
  values: {
    quick: boolean;
    full: boolean;
    epoch: boolean;
    rounds: string;
    only?: string;
    tta: boolean;
    'tta-rounds': string;
    'tta-epochs': string;
  },
  models: number[],
  threadCounts: number[],
  torch: TorchStatus,
  ort: OrtSide,
  native: NativeSide,
): Promise<void> {
  const all = threadCounts[threadCounts.length - 1];
  const rounds = Number(values.rounds);
  const startLoad = loadavg()[0];
  const [warmup, steps] = values.quick ? [1, 3] : values.full ? [3, 10] : [2, 5];

  const rows: ResultRow[] = [];
  const failures: string[] = [];
  let pairs: Pair[] = [];
  const parts = new Set(
    values.only ? [values.only] : ['steps', 'epoch', ...(values.tta || values.full ? ['tta'] : [])],
  );
  if (parts.has('steps')) {
    console.log(
      `batch ${BATCH}, 3×32×32, 10 classes; median of ${rounds > 1 ? `${rounds} rounds × ` : ''}${steps} steps after ${warmup} warm-up steps; one process per configuration${rounds > 1 ? ' and round' : ''}\n`,
    );
    const r = stepPairs(models, threadCounts, warmup, steps, torch, ort, native, rounds);
    pairs = r.pairs;
    failures.push(...r.failures);
    rows.push(...pairs.flatMap(pairRows), ...scalingRows(pairs));
    if (all > 1 && models.includes(3)) {
      const scalingRounds = values.quick ? 3 : values.full ? 16 : 10;
      console.log(
        `\nspeed-up of ${all} threads over 1, paired (one process each, ${scalingRounds} rounds of 2 steps at 1 thread then 2 at ${all}):`,
      );
      const r = pairedScaling(all, scalingRounds, 2, torch, native);
      failures.push(...r.failures);
      rows.push(...pairedScalingRows(r.runs));
    }
    const builds = [...new Set(pairs.map((p) => p.funt.kernels))];
    console.log(
      builds.length > 1
        ? `\nnote: the kernels were rebuilt during the run: funt's figures come from ${builds.length} builds (${pairs.map((p) => `${p.model} ${p.mode} ${p.threads}t: ${p.funt.kernels}`).join(', ')})`
        : `\nkernels (build, fingerprint): ${builds[0]}`,
    );
  }
  if (parts.has('epoch')) {
    const whole = values.epoch || values.full;
    console.log(
      `\nepoch: ResNet-20, ${EPOCH_IMAGES.toLocaleString('en-US')} synthetic images, ${all} thread${all > 1 ? 's' : ''}, ${whole ? 'the whole epoch' : `estimated from ${ESTIMATE_BATCHES} batches (--epoch or --full for the whole epoch)`}`,
    );
    try {
      const e = runEpoch(all, whole);
      console.log(
        `  ${e.kind === 'estimate' ? 'estimated ' : ''}${e.seconds.toFixed(1)} s per epoch (${e.imagesPerSecond.toFixed(1)} images/s; median iteration ${(e.medianIterationSeconds * 1000).toFixed(0)} ms, augmentation + standardisation ${((100 * e.augmentSeconds) / (e.medianIterationSeconds * e.iterations)).toFixed(1)}% of it; peak ${(e.peakRssBytes / MiB).toFixed(0)} MiB)`,
      );
      rows.push(...epochRows(e));
    } catch (err) {
      failures.push((err as Error).message);
      console.error(`bench: ${(err as Error).message}`);
    }
  }
  if (parts.has('tta')) {
    const r = endToEnd(all, Number(values['tta-epochs']), Number(values['tta-rounds']), torch);
    rows.push(...r.rows);
    failures.push(...r.failures);
  }

  console.log(`\nload average at the end: ${load()}\n`);
  if (Math.max(startLoad, loadavg()[0]) > all - 0.5) {
    console.log(
      `note: the load average exceeded ${all - 0.5} (${all} cores) during the run: other processes took CPU time, and multi-threaded`,
    );
    console.log(
      'runs suffer most (a thread that waits for a descheduled partner stalls); compare the "best" figures in resnet.json too.\n',
    );
  }
  console.log(formatTable(rows));
  const targets = checkTargets(rows, threadCounts[threadCounts.length - 1]);
  if (targets.length) {
    console.log('\ntargets:');
    for (const t of targets) console.log(`  ${t.status.padEnd(10)} ${t.label}: ${t.detail}`);
  }
  const file = join(repoDir, 'bench-results', 'resnet.json');
  mkdirSync(dirname(file), { recursive: true });
  const date = new Date().toISOString();
  const dated = rows.map((r) => ({ ...r, date }));
  // The parts not measured now keep their rows of an earlier run (each row has its date), in
  // the order steps, epoch, end-to-end.
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as ResultRow[]).filter((r) => !parts.has(partOf(r)))
    : [];
  const order = ['steps', 'epoch', 'tta'];
  const merged = [...kept, ...dated].sort((a, b) => order.indexOf(partOf(a)) - order.indexOf(partOf(b)));
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  if (failures.length) {
    console.error(`bench: ${failures.length} measurement(s) failed:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

await main();
