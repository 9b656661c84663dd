/**
 * `pnpm bench` (node bench/dist/run.js [--quick] [--backend wasm|reference] [--threads 1,2] [--filter text]): the
 * tensor benchmark. Prints, per backend (the wasm one with 1 thread and with all
 * cores, or the --threads list), the median GFLOPS of sgemm and of the ResNet-20 convolution
 * passes, and writes every median to bench-results/tensor.json at the repository root as
 * [{ name, backend, median, unit, best, cpuMedian, threads }].
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backendByName, enableRelaxedSimd, kernelBuild, setThreads, threadsReady } from '@funt/tensor';
import { type BenchCase, CONV_PASSES, convCase, RESNET20_CONVS, sgemmCase } from './cases.js';
import { type TimingOptions, time } from './timing.js';

/** One line of bench-results/tensor.json: `median` is the wall-clock median (the headline). */
interface BenchResult {
  name: string;
  backend: string;
  median: number;
  unit: string;
  /** Fastest run, same unit. */
  best: number;
  /** Median over CPU time instead of wall-clock time, same unit (all threads' CPU time). */
  cpuMedian: number;
  /** Threads the wasm kernels ran on (the reference backend always uses one). */
  threads: number;
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
  const convShapes = quick
    ? RESNET20_CONVS.filter((s) => s.label === '16x32x32' || s.label.startsWith('16->32'))
    : RESNET20_CONVS;
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

async function main(): Promise<void> {
  // `pnpm bench -- --flag` hands the '--' on to the script: drop it.
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      backend: { type: 'string' },
      filter: { type: 'string' },
      threads: { type: 'string', default: availableParallelism() > 1 ? `1,${availableParallelism()}` : '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: node bench/dist/run.js [--quick] [--backend wasm|reference] [--threads 1,2] [--filter text]');
    return;
  }
  const threadCounts = values.threads.split(',').map((t) => Number(t.trim()));
  if (threadCounts.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`bench: --threads takes whole numbers >= 1 separated by commas, got '${values.threads}'`);
    process.exitCode = 2;
    return;
  }
  if (values.backend !== undefined && values.backend !== 'wasm' && values.backend !== 'reference') {
    console.error(`bench: --backend must be 'wasm' or 'reference', got '${values.backend}'`);
    process.exitCode = 2;
    return;
  }
  // As funt-resnet does: relaxed SIMD on (a V8 flag on Node 20); FUNT_KERNELS=simd measures the baseline build.
  enableRelaxedSimd();
  const cpu = cpus();
  console.log(
    `@funt/tensor benchmark${values.quick ? ' (--quick)' : ''}: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, ${new Date().toISOString()}`,
  );
  console.log(`wasm kernels: the ${kernelBuild()} build (FUNT_KERNELS picks one)`);
  console.log('GFLOPS = flops / median wall-clock time per call; "best" is the fastest run; "median over');
  console.log('CPU time" (CPU time of all threads) leaves out the time other processes held the 2 shared cores.');
  console.log(
    `load average when starting: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}\n`,
  );
  const results: BenchResult[] = [];
  for (const plan of plans(values.quick ?? false, values.backend)) {
    for (const threads of plan.backend === 'wasm' ? threadCounts : [1]) {
      setThreads(threads);
      await threadsReady();
      const backend = backendByName(plan.backend);
      const { runs, warmupSeconds } = plan.timing;
      console.log(
        `${plan.backend} backend, ${threads} thread${threads > 1 ? 's' : ''} (median of ${runs} runs after ${warmupSeconds ? `${warmupSeconds} s of` : 'one'} warm-up)`,
      );
      for (const note of plan.notes) console.log(`  note: ${note}`);
      console.log(`  ${pad('case', 40)}${pad('median GFLOPS', 16)}${pad('best', 10)}median over CPU time`);
      for (const c of plan.cases.filter((k) => values.filter === undefined || k.name.includes(values.filter))) {
        const { run, dispose } = c.setup(backend);
        const t = time(run, plan.timing);
        dispose();
        const rate = (seconds: number) => Number((c.flops / seconds / 1e9).toFixed(3));
        // The thread count is in the name too, so that tables keyed by name keep the rows apart.
        const name = threads > 1 ? `${c.name} (${threads} threads)` : c.name;
        const r = {
          name,
          backend: plan.backend,
          median: rate(t.median),
          unit: 'GFLOPS',
          best: rate(t.best),
          cpuMedian: rate(t.cpuMedian),
          threads,
        };
        console.log(
          `  ${pad(c.name, 40)}${pad(r.median.toFixed(2), 16)}${pad(r.best.toFixed(2), 10)}${r.cpuMedian.toFixed(2)}`,
        );
        results.push(r);
      }
      console.log('');
    }
  }
  const file = resolve(repositoryRoot(), 'bench-results', 'tensor.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

await main();
