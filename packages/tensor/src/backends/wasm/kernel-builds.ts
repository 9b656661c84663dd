/**
 * The compiled builds of the kernels (scripts/build-wasm.mjs) and the choice between them. There
 * is one today, baseline 128-bit SIMD, which every engine with WebAssembly SIMD runs. A further
 * build (say, relaxed SIMD) is one more entry, placed before the baseline, whose `runs()` feature-
 * detects it (`WebAssembly.validate` of a few bytes using the feature): the loader (kernels.ts)
 * takes the bytes of whichever build is chosen, and a browser fetches only that one.
 */
export interface KernelBuild {
  readonly name: string;
  /**
   * Where its bytes are. Each URL is written as a literal `new URL('…', import.meta.url)`, which
   * bundlers recognise and copy as an asset.
   */
  readonly url: URL;
  /** Whether this engine can run it. */
  runs(): boolean;
}

export const KERNEL_BUILDS: readonly KernelBuild[] = [
  // From src/backends/wasm (vitest) and dist/backends/wasm alike.
  { name: 'simd', url: new URL('../../../build/kernels.wasm', import.meta.url), runs: () => true },
];

/** The first build this engine runs. */
export function chooseKernelBuild(): KernelBuild {
  const build = KERNEL_BUILDS.find((b) => b.runs());
  if (!build) throw new Error('@funt/tensor: this engine runs none of the kernel builds');
  return build;
}
