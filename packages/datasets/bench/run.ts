/**
 * `pnpm bench`: times augmentation pipelines on a CIFAR-sized batch (128×3×32×32) and appends
 * the figures to bench-results/datasets.json at the repository root. The headline is the CIFAR
 * training recipe, random flip + pad-4 random crop, which must stay well under 1 ms per image
 * so that augmentation is never the bottleneck of training.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, Rng, uniform } from '@funt/tensor';
import {
  type Augmentation,
  compose,
  elasticDistortion,
  gaussianNoise,
  pcaLighting,
  randomContrast,
  randomCrops,
  randomFlips,
  randomRotate,
  randomTint,
  rgbPca,
} from '../src/index.js';

const N = 128;
const SHAPE = [N, 3, 32, 32];
const WARMUP = 10;
const RUNS = 50;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(
  name: string,
  aug: Augmentation,
  runs = RUNS,
): { name: string; medianMsPerBatch: number; msPerImage: number; runs: number } {
  const rng = new Rng(1);
  const x = uniform(SHAPE, rng, 0, 1);
  const out = aug(x, rng);
  for (let i = 0; i < WARMUP; i++) aug(x, rng, out);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    aug(x, rng, out);
    ms.push(performance.now() - t0);
  }
  x.dispose();
  out.dispose();
  const m = median(ms);
  return { name, medianMsPerBatch: +m.toFixed(4), msPerImage: +(m / N).toFixed(5), runs };
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('bench: cannot find the repository root (pnpm-workspace.yaml)');
    dir = up;
  }
  return dir;
}

function commit(root: string): string | null {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

const pcaSample = uniform([64, 3, 32, 32], new Rng(2), 0, 1);
const pca = rgbPca(pcaSample);
pcaSample.dispose();

const results = [
  time('flip + pad-4 random crop (CIFAR recipe)', compose([randomFlips(), randomCrops(32, 32, 4)])),
  time('randomRotate(15)', randomRotate(15), 10),
  time('elasticDistortion(alpha 34, sigma 4)', elasticDistortion(), 5),
  time('randomContrast + randomTint', compose([randomContrast(), randomTint({ lo: -0.04, hi: 0.04 })]), 20),
  time('gaussianNoise(0.1)', gaussianNoise(), 10),
  time('pcaLighting(0.1)', pcaLighting(pca), 20),
];

for (const r of results) {
  console.log(
    `${r.name.padEnd(44)} ${r.medianMsPerBatch.toFixed(3).padStart(9)} ms/batch  ${r.msPerImage.toFixed(5)} ms/image  (median of ${r.runs}, batch ${SHAPE.join('×')})`,
  );
}
const headline = results[0];
const limit = 1;
console.log(
  `\nheadline: ${headline.msPerImage.toFixed(5)} ms/image for flip + pad-4 crop (target: well under ${limit} ms/image) — ${headline.msPerImage < limit ? 'OK' : 'TOO SLOW'}`,
);

const root = repoRoot();
const file = join(root, 'bench-results', 'datasets.json');
mkdirSync(dirname(file), { recursive: true });
let history: unknown[] = [];
try {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  if (Array.isArray(parsed)) history = parsed;
} catch {
  // No history yet (or an unreadable one): start a new list.
}
history.push({
  date: new Date().toISOString(),
  commit: commit(root),
  node: process.version,
  backend: getBackend().name,
  batch: SHAPE,
  results,
});
writeFileSync(file, `${JSON.stringify(history, null, 2)}\n`);
console.log(`appended to ${file}`);
if (headline.msPerImage >= limit) process.exitCode = 1;
