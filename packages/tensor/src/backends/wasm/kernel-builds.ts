import { environmentVariable } from '../../platform/platform.js';
import { WebAssemblyApi } from '../../webassembly-api.js';

/**
 * The compiled builds of the kernels (scripts/build-wasm.mjs, both from the same sources) and the
 * choice between them: relaxed SIMD where the engine validates it, else baseline 128-bit SIMD,
 * which every engine with WebAssembly SIMD runs. The loader (kernels.ts) takes the bytes of the
 * chosen build only, so a browser fetches one file.
 *
 * The builds differ only where assembly/util.ts's `madd` is used (the GEMM micro-kernel, the
 * Winograd products, batch-norm sums): one fused multiply-add, rounded once, against a multiply
 * and an add. Results may therefore differ in the last bits between builds; within one build
 * (and one CPU) the same seed still gives the same bits.
 */
export interface KernelBuild {
  readonly name: KernelBuildName;
  /**
   * Where its bytes are. Each URL is written as a literal `new URL('…', import.meta.url)`, which
   * bundlers recognise and copy as an asset.
   */
  readonly url: URL;
  /** Whether this engine can run it. */
  runs(): boolean;
}

/** The names of the kernel builds, as FUNT_KERNELS takes them. */
export type KernelBuildName = 'relaxed-simd' | 'simd';

/**
 * The smallest module using relaxed SIMD: one function `(v128, v128, v128) → v128` returning
 * `f32x4.relaxed_madd` of its parameters. `WebAssembly.validate` accepts it exactly where the
 * engine has the feature turned on (Chrome ≥ 114, Node ≥ 22, or Node 20 with V8's
 * `--experimental-wasm-relaxed-simd`).
 */
// biome-ignore format: the bytes grouped one field or instruction per line
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) → v128
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, // code: one body of 11 bytes, no locals
  0x20, 0x00, 0x20, 0x01, 0x20, 0x02, // local.get 0, 1, 2
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0x0b, // end
]);

/** Whether this engine (as its flags stand now) validates relaxed-SIMD instructions. */
export function relaxedSimdSupported(): boolean {
  return WebAssemblyApi.validate(RELAXED_SIMD_PROBE);
}

/** The builds in order of preference. */
export const KERNEL_BUILDS: readonly KernelBuild[] = [
  // From src/backends/wasm (vitest) and dist/backends/wasm alike.
  {
    name: 'relaxed-simd',
    url: new URL('../../../build/kernels-relaxed.wasm', import.meta.url),
    runs: relaxedSimdSupported,
  },
  { name: 'simd', url: new URL('../../../build/kernels.wasm', import.meta.url), runs: () => true },
];

/**
 * The build to load: the one FUNT_KERNELS names (Node; to compare the builds or test one), else
 * the first this engine runs.
 */
export function chooseKernelBuild(): KernelBuild {
  const wanted = environmentVariable('FUNT_KERNELS')?.trim();
  if (wanted) {
    const build = KERNEL_BUILDS.find((b) => b.name === wanted);
    if (!build) {
      throw new RangeError(
        `FUNT_KERNELS must be one of ${KERNEL_BUILDS.map((b) => `'${b.name}'`).join(', ')}, got '${wanted}'`,
      );
    }
    if (!build.runs()) {
      throw new Error(
        `FUNT_KERNELS=${wanted}: this engine does not run that build` +
          (build.name === 'relaxed-simd'
            ? ' (relaxed SIMD is off; on Node 20 start node with --experimental-wasm-relaxed-simd)'
            : ''),
      );
    }
    return build;
  }
  const build = KERNEL_BUILDS.find((b) => b.runs());
  if (!build) throw new Error('@funt/tensor: this engine runs none of the kernel builds');
  return build;
}
