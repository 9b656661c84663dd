/**
 * Which build of @funt/tensor's kernels a funt child of the benchmark runs. Every child turns on
 * relaxed SIMD as funt-resnet does (Node 20 has it behind a V8 flag), so that the benchmark times
 * what the CLI runs; FUNT_KERNELS=simd measures the baseline build instead.
 */
import { readFileSync } from 'node:fs';
import { enableRelaxedSimd, kernelBuild } from '@funt/tensor';
import { fingerprint } from './measure.js';
import { kernelFiles } from './paths.js';

enableRelaxedSimd();

/** The build the kernels load as (or have loaded as), and its files. */
export function benchKernels(): { build: ReturnType<typeof kernelBuild>; wasm: string; wat: string } {
  const build = kernelBuild();
  return { build, ...kernelFiles(build) };
}

/** The build and the fingerprint of its file, e.g. `relaxed-simd 5c4be69018bd`, recorded in every funt row. */
export function loadedKernels(): string {
  const { build, wasm } = benchKernels();
  return `${build} ${fingerprint(readFileSync(wasm))}`;
}
