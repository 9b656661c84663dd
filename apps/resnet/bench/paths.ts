/** Where the benchmark's files are, from wherever this module runs (bench/*.ts under vitest, bench/dist/bench/*.js under node). */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KernelBuildName } from '@funt/tensor';

const here = dirname(fileURLToPath(import.meta.url));

function ancestorWith(file: string): string {
  let dir = here;
  while (!existsSync(join(dir, file))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: no ${file} above ${here}`);
    dir = parent;
  }
  return dir;
}

/** apps/resnet (the nearest folder with a package.json). */
const appDir = ancestorWith('package.json');
/** The repository root (the folder with pnpm-workspace.yaml). */
export const repoDir = ancestorWith('pnpm-workspace.yaml');
/** The benchmark's sources (the PyTorch script lives beside them). */
export const benchSourceDir = join(appDir, 'bench');
/** The compiled benchmark's entry points (the children run.ts starts). */
export const benchDistDir = join(appDir, 'bench', 'dist', 'bench');

const tensorBuildDir = join(dirname(createRequire(import.meta.url).resolve('@funt/tensor/package.json')), 'build');

/**
 * The files of one build of @funt/tensor's compiled kernels (its scripts/build-wasm.mjs): the
 * WebAssembly and its text form, when the build wrote one (`--text`).
 */
export function kernelFiles(build: KernelBuildName): { wasm: string; wat: string } {
  const base = join(tensorBuildDir, build === 'relaxed-simd' ? 'kernels-relaxed' : 'kernels');
  return { wasm: `${base}.wasm`, wat: `${base}.wat` };
}
