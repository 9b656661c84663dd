/**
 * `pnpm bench` in apps/playground: funt's ResNet-20 step at batch 128 (src/benchmark/step.ts)
 * timed in this Node process and in a Web Worker of headless Chromium, training and inference,
 * on 1 thread and on every core, in interleaved rounds; and in the same page TensorFlow.js 4.22
 * (tfjs-core with its wasm backend on 1 and on every thread, and its cpu backend) on the
 * identical network. Prints medians and ratios, writes them to bench-results/playground.json at
 * the repository root, and the Node figures to src/benchmark/node-figures.json (the page shows
 * them beside its own).
 *
 *   node bench/dist/bench/run.js [--rounds 3] [--steps 2] [--tfjs-cpu-batch 8] [--no-tfjs]
 *
 * Run it under the shared lock on a shared machine: flock /tmp/funt-bench.lock pnpm bench.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { enableRelaxedSimd, setThreads, threadsReady } from '@funt/tensor';
import { build } from 'vite';
import { BATCH, median, type Pass, resnet20Step, timeSteps } from '../src/benchmark/step.js';
import { chromiumMissingReason, withChromium } from '../src/testing/chromium.js';
import { serveBuilt } from '../src/testing/servers.js';
import type { BenchPage, TimingReply, TimingRequest } from './page/protocol.js';

// Node's side runs the build funt-resnet runs (relaxed SIMD, behind a V8 flag on Node 20), as
// Chromium does, so the two columns time the same kernels.
enableRelaxedSimd();

/** apps/playground: this file runs as bench/dist/bench/run.js. */
const app = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const repo = join(app, '..', '..');

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '2' },
    'tfjs-cpu-batch': { type: 'string', default: '8' },
    'no-tfjs': { type: 'boolean', default: false },
  },
});
const rounds = Number(flags.rounds);
const steps = Number(flags.steps);
const cpuBatch = Number(flags['tfjs-cpu-batch']);

/** One line of the results: an implementation, where it ran, the pass, threads and batch, and its timed calls. */
interface Row {
  impl: 'funt' | 'tfjs-wasm' | 'tfjs-cpu';
  host: 'node' | 'chromium';
  pass: Pass;
  threads: number;
  batch: number;
  seconds: number[];
  error?: string;
}

const rows = new Map<string, Row>();
function record(r: Omit<Row, 'seconds'>, reply: TimingReply): void {
  const key = `${r.impl}/${r.host}/${r.pass}/${r.threads}/${r.batch}`;
  let row = rows.get(key);
  if (!row) rows.set(key, (row = { ...r, seconds: [] }));
  if ('error' in reply) row.error = reply.error;
  else row.seconds.push(...reply.seconds);
}

const nodeSteps = new Map<Pass, () => void>();
async function timeNode(pass: Pass, threads: number, warmup: number): Promise<TimingReply> {
  setThreads(threads);
  await threadsReady();
  let step = nodeSteps.get(pass);
  if (!step) nodeSteps.set(pass, (step = resnet20Step(pass)));
  return { seconds: timeSteps(step, warmup, steps) };
}

async function buildPage(outDir: string): Promise<void> {
  await build({
    root: join(app, 'bench', 'page'),
    configFile: false,
    base: './',
    logLevel: 'warn',
    worker: { format: 'es' },
    // Unminified: the threaded build of tfjs-backend-wasm starts its threads from a script that
    // names one of its functions, which a minifier renames ("e is not defined" in every thread).
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
  });
}

const imagesPerSecond = (r: Row) => (r.seconds.length ? r.batch / median(r.seconds) : Number.NaN);
const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

async function main(): Promise<void> {
  const missing = chromiumMissingReason();
  if (missing) {
    console.log(`playground bench: skipped, ${missing}`);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'funt-bench-page-'));
  try {
    await buildPage(out);
    const server = await serveBuilt(out, { isolated: true });
    try {
      await withChromium(async (context) => {
        const page = await context.newPage();
        page.on('pageerror', (e) => console.error(`bench page: ${e.message}`));
        await page.goto(server.url);
        await page.waitForFunction(() => (window as unknown as { bench?: BenchPage }).bench?.ready === true);
        const info = await page.evaluate(() => {
          const b = (window as unknown as { bench: BenchPage }).bench;
          return { isolated: b.crossOriginIsolated, cores: b.hardwareConcurrency };
        });
        if (!info.isolated) throw new Error('the bench page is not cross-origin isolated');
        const all = Math.min(info.cores, availableParallelism());
        const threadCounts = all > 1 ? [1, all] : [1];
        const funt = (r: TimingRequest) =>
          page.evaluate((req) => (window as unknown as { bench: BenchPage }).bench.funt(req), r);
        const tfjs = (engine: { backend: 'wasm' | 'cpu'; threads: number }, r: TimingRequest) =>
          page.evaluate(([e, req]) => (window as unknown as { bench: BenchPage }).bench.tfjs(e, req), [
            engine,
            r,
          ] as const);

        for (let round = 0; round < rounds; round++) {
          const warmup = round === 0 ? 1 : 0;
          console.log(`round ${round + 1}/${rounds}`);
          for (const pass of ['training', 'inference'] as const) {
            for (const threads of threadCounts) {
              // Node and Chromium back to back, so both see the same load on a shared machine.
              record(
                { impl: 'funt', host: 'node', pass, threads, batch: BATCH },
                await timeNode(pass, threads, warmup),
              );
              record(
                { impl: 'funt', host: 'chromium', pass, threads, batch: BATCH },
                await funt({ pass, threads, steps, warmup }),
              );
              if (flags['no-tfjs']) continue;
              // tfjs-wasm has no gradient kernels for convolutions: its training pass records why.
              if (pass === 'inference' || round === 0) {
                record(
                  { impl: 'tfjs-wasm', host: 'chromium', pass, threads, batch: BATCH },
                  await tfjs({ backend: 'wasm', threads }, { pass, steps, warmup, batch: BATCH }),
                );
              }
            }
            // tfjs-cpu is slow (well under 1 image/s training): one step at a small batch, in the first round only.
            if (!flags['no-tfjs'] && round === 0) {
              record(
                { impl: 'tfjs-cpu', host: 'chromium', pass, threads: 1, batch: cpuBatch },
                await tfjs({ backend: 'cpu', threads: 1 }, { pass, steps: 1, warmup, batch: cpuBatch }),
              );
            }
          }
        }
      });
    } finally {
      await server.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  report();
}

function report(): void {
  const list = [...rows.values()];
  const find = (impl: Row['impl'], host: Row['host'], pass: Pass, threads: number) =>
    list.find((r) => r.impl === impl && r.host === host && r.pass === pass && r.threads === threads);
  console.log(`\nResNet-20 images/s (median of ${rounds} rounds × ${steps} steps; batch ${BATCH} unless noted)`);
  console.log('| pass | threads | funt Node | funt Chromium | Chromium / Node | tfjs-wasm | funt / tfjs-wasm |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const pass of ['training', 'inference'] as const) {
    for (const threads of [...new Set(list.filter((r) => r.impl === 'funt').map((r) => r.threads))]) {
      const node = imagesPerSecond(find('funt', 'node', pass, threads) as Row);
      const page = imagesPerSecond(find('funt', 'chromium', pass, threads) as Row);
      const wasmRow = find('tfjs-wasm', 'chromium', pass, threads);
      const wasm = wasmRow && !wasmRow.error ? imagesPerSecond(wasmRow) : Number.NaN;
      console.log(
        `| ${pass} | ${threads} | ${fmt(node)} | ${fmt(page)} | ${(page / node).toFixed(2)} | ${wasmRow?.error ? 'cannot' : fmt(wasm)} | ${Number.isFinite(wasm) ? (page / wasm).toFixed(1) : '–'} |`,
      );
    }
  }
  for (const r of list.filter((x) => x.impl === 'tfjs-cpu')) {
    const funt1 = imagesPerSecond(find('funt', 'chromium', r.pass, 1) as Row);
    console.log(
      `tfjs-cpu ${r.pass} (batch ${r.batch}): ${r.error ? r.error : `${fmt(imagesPerSecond(r))} images/s; funt (1 thread) / tfjs-cpu = ${(funt1 / imagesPerSecond(r)).toFixed(0)}`}`,
    );
  }
  for (const error of new Set(list.filter((x) => x.error).map((r) => `${r.impl} ${r.pass}: ${r.error}`))) {
    console.log(error);
  }

  const machine = `Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores`;
  const results = list.map((r) => ({
    ...r,
    median: r.seconds.length ? median(r.seconds) : null,
    imagesPerSecond: imagesPerSecond(r),
  }));
  mkdirSync(join(repo, 'bench-results'), { recursive: true });
  writeFileSync(
    join(repo, 'bench-results', 'playground.json'),
    `${JSON.stringify({ machine, rounds, steps, results }, null, 1)}\n`,
  );
  const nodeRows = list
    .filter((r) => r.impl === 'funt' && r.host === 'node')
    .map((r) => ({ pass: r.pass, threads: r.threads, imagesPerSecond: Math.round(imagesPerSecond(r)) }));
  writeFileSync(
    join(app, 'src', 'benchmark', 'node-figures.json'),
    `${JSON.stringify({ machine, rows: nodeRows }, null, 2)}\n`,
  );
  console.log(`\nwrote bench-results/playground.json and apps/playground/src/benchmark/node-figures.json (${machine})`);
}

try {
  await main();
  process.exit(0); // the kernel workers are unref'd, Vite's and Chromium's handles are closed
} catch (e) {
  console.error(`playground bench: ${(e as Error).message}`);
  process.exit(1);
}
