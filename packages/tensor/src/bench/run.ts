/**
 * `pnpm bench` (node dist/bench/run.js [--quick] [--backend wasm|reference]): the tensor
 * benchmark of issue 2. Prints, per backend, the median GFLOPS of sgemm and of the ResNet-20
 * convolution passes, and writes every median to bench-results/tensor.json at the repository
 * root as [{ name, backend, median, unit }].
 */
import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backendByName } from '../index.js';
import { type BenchCase, CONV_PASSES, RESNET20_CONVS, convCase, sgemmCase } from './cases.js';
import { type TimingOptions, time } from './timing.js';

/** One line of bench-results/tensor.json: `median` is the wall-clock median (the headline). */
export interface BenchResult {
  name: string;
  backend: string;
  median: number;
  unit: string;
  /** Fastest run, same unit. */
  best: number;
  /** Median over CPU time instead of wall-clock time, same unit. */
  cpuMedian: number;
}

/** What one backend runs: the reference's plain loops get smaller problems (printed as notes). */
interface Plan {
  backend: string;
  timing: TimingOptions;
  cases: BenchCase[];
  notes: string[];
}

const BATCH = 128;

function plans(quick: boolean, only: string | undefined): Plan[] {
  const convShapes = quick ? RESNET20_CONVS.filter((s) => s.label === '16x32x32' || s.label.startsWith('16->32')) : RESNET20_CONVS;
  const convs = (batch: number) => convShapes.flatMap((s) => CONV_PASSES.map((p) => convCase(s, p, batch)));
  const wasmSizes = quick ? [64, 256, 512] : [64, 128, 256, 512, 1024];
  const refSizes = quick ? [64, 256] : [64, 128, 256, 512];
  const refBatch = quick ? 2 : 8;
  const all: Plan[] = [
    {
      backend: 'wasm',
      timing: { runs: quick ? 5 : 9, warmupSeconds: quick ? 0.2 : 0.5, minRunSeconds: 0.02 },
      cases: [...wasmSizes.map(sgemmCase), ...convs(BATCH)],
      notes: [],
    },
    {
      backend: 'reference',
      timing: { runs: 5, warmupSeconds: 0, minRunSeconds: 0.02 },
      cases: [...refSizes.map(sgemmCase), ...convs(refBatch)],
      notes: [
        `reference: sgemm above ${refSizes[refSizes.length - 1]} skipped (seconds per run in plain loops)`,
        `reference: convolutions at batch ${refBatch} instead of ${BATCH} (its loops run image by image, so GFLOPS barely depend on the batch)`,
      ],
    },
  ];
  return all.filter((p) => only === undefined || p.backend === only);
}

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      backend: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: node dist/bench/run.js [--quick] [--backend wasm|reference]');
    return;
  }
  if (values.backend !== undefined && values.backend !== 'wasm' && values.backend !== 'reference') {
    console.error(`bench: --backend must be 'wasm' or 'reference', got '${values.backend}'`);
    process.exitCode = 2;
    return;
  }
  const cpu = cpus();
  console.log(`@funt/tensor benchmark${values.quick ? ' (--quick)' : ''}: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, ${new Date().toISOString()}`);
  console.log('GFLOPS = flops / median wall-clock time per call (one thread); "best" is the fastest run;');
  console.log('"median over CPU time" leaves out the time other processes held the 2 shared cores.');
  console.log(`load average when starting: ${loadavg().map((l) => l.toFixed(2)).join(', ')}\n`);
  const results: BenchResult[] = [];
  for (const plan of plans(values.quick ?? false, values.backend)) {
    const backend = backendByName(plan.backend);
    const { runs, warmupSeconds } = plan.timing;
    console.log(`${plan.backend} backend (median of ${runs} runs after ${warmupSeconds ? `${warmupSeconds} s of` : 'one'} warm-up)`);
    for (const note of plan.notes) console.log(`  note: ${note}`);
    console.log(`  ${pad('case', 40)}${pad('median GFLOPS', 16)}${pad('best', 10)}median over CPU time`);
    for (const c of plan.cases) {
      const { run, dispose } = c.setup(backend);
      const t = time(run, plan.timing);
      dispose();
      const rate = (seconds: number) => Number((c.flops / seconds / 1e9).toFixed(3));
      const r = { name: c.name, backend: plan.backend, median: rate(t.median), unit: 'GFLOPS', best: rate(t.best), cpuMedian: rate(t.cpuMedian) };
      console.log(`  ${pad(c.name, 40)}${pad(r.median.toFixed(2), 16)}${pad(r.best.toFixed(2), 10)}${r.cpuMedian.toFixed(2)}`);
      results.push(r);
    }
    console.log('');
  }
  const file = resolve(repositoryRoot(), 'bench-results', 'tensor.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

main();
