import { HeapAllocator } from '../../memory.js';
import { platform } from '../../platform/platform.js';
import { type WasmMemory, type WasmModule, WebAssemblyApi } from '../../webassembly-api.js';
import { chooseKernelBuild, type KernelBuildName } from './kernel-builds.js';
import { createKernelMemory, type KernelMemory } from './kernel-memory.js';
import { type DataSegment, passiveData } from './segments.js';
import { unsharedMemoryImport } from './unshared-memory.js';

/**
 * The compiled kernels (build/kernels*.wasm, from assembly/ by `pnpm build`) and the one shared
 * memory they run on. Every argument is a number: byte addresses (usize), sizes (i32), scalars
 * (f32) and flags (bool as 0/1). The signatures mirror assembly/*.ts.
 */
export interface Kernels {
  heapBase(): number;
  gemm(
    M: number,
    N: number,
    K: number,
    alpha: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    beta: number,
    c: number,
    ldc: number,
    m0: number,
    m1: number,
    scratch: number,
  ): void;
  gemmScratchBytes(M: number, N: number, K: number): number;
  /** `residual` (0: none) and `relu` (0/1): the epilogue applied as each image is stored. */
  conv2d(
    g: number,
    x: number,
    w: number,
    bias: number,
    y: number,
    residual: number,
    relu: number,
    n0: number,
    n1: number,
    scratch: number,
  ): void;
  /** y[from, to) += residual (0: none), then ReLU when relu = 1. */
  convEpilogue(y: number, residual: number, relu: number, from: number, to: number): void;
  conv2dScratchBytes(g: number): number;
  conv2dBackwardData(g: number, dy: number, w: number, dx: number, n0: number, n1: number, scratch: number): void;
  conv2dBackwardDataScratchBytes(g: number): number;
  conv2dBackwardFilterChunks(g: number): number;
  conv2dBackwardFilterPartialBytes(g: number): number;
  conv2dBackwardFilter(
    g: number,
    x: number,
    dy: number,
    partials: number,
    c0: number,
    c1: number,
    scratch: number,
  ): void;
  conv2dBackwardFilterReduce(
    g: number,
    partials: number,
    chunks: number,
    dw: number,
    accumulate: number,
    o0: number,
    o1: number,
  ): void;
  conv2dBackwardFilterScratchBytes(g: number): number;
  conv2dBiasGrad(
    dy: number,
    db: number,
    N: number,
    O: number,
    P: number,
    accumulate: number,
    o0: number,
    o1: number,
  ): void;
  /** Winograd (assembly/winograd.ts); `backward` = 1 computes conv2dBackwardData's transposed convolution. */
  winogradTile(g: number, backward: number): number;
  winogradWeightsBytes(g: number, backward: number): number;
  winogradWeights(g: number, w: number, backward: number, u: number, o0: number, o1: number): void;
  winogradRangeImages(g: number, backward: number): number;
  winogradScratchBytes(g: number, backward: number): number;
  conv2dWinograd(
    g: number,
    backward: number,
    x: number,
    u: number,
    bias: number,
    y: number,
    residual: number,
    relu: number,
    n0: number,
    n1: number,
    scratch: number,
  ): void;
  winogradFilterTile(g: number): number;
  winogradFilterChunks(g: number): number;
  winogradFilterPartialBytes(g: number): number;
  winogradFilterScratchBytes(g: number): number;
  conv2dWinogradFilter(
    g: number,
    x: number,
    dy: number,
    partials: number,
    k0: number,
    k1: number,
    scratch: number,
  ): void;
  winogradFilterReduceScratchBytes(g: number): number;
  winogradFilterReduce(
    g: number,
    partials: number,
    chunks: number,
    dw: number,
    accumulate: number,
    o0: number,
    o1: number,
    scratch: number,
  ): void;
  fill(out: number, value: number, n: number): void;
  copy(src: number, dst: number, n: number): void;
  /** 1 when the n 32-bit words at a and b hold the same bits, else 0. */
  sameBits(a: number, b: number, n: number): number;
  unary(op: number, x: number, out: number, n: number): void;
  binary(op: number, a: number, b: number, out: number, relu: number, n: number): void;
  /** `relu` may be omitted: a missing wasm argument arrives as 0. */
  binaryBroadcast(
    op: number,
    full: number,
    part: number,
    partLeft: number,
    out: number,
    outer: number,
    mid: number,
    inner: number,
    relu?: number,
  ): void;
  threshold(x: number, th: number, value: number, out: number, n: number): void;
  thresholdBackward(x: number, dy: number, th: number, dx: number, n: number): void;
  axpby(alpha: number, x: number, beta: number, out: number, n: number): void;
  reduce(op: number, x: number, out: number, outer: number, mid: number, inner: number, scale: number): void;
  argmax(x: number, out: number, outer: number, mid: number, inner: number): void;
  pool2d(
    mode: number,
    x: number,
    src: number,
    dst: number,
    H: number,
    W: number,
    Ho: number,
    Wo: number,
    kH: number,
    kW: number,
    sH: number,
    sW: number,
    pH: number,
    pW: number,
    countIncludePad: number,
    p0: number,
    p1: number,
  ): void;
  batchNormTrain(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    saveMean: number,
    saveInvStd: number,
    runningMean: number,
    runningVar: number,
    momentum: number,
    eps: number,
    relu: number,
    residual: number,
    N: number,
    C: number,
    S: number,
    c0: number,
    c1: number,
  ): void;
  batchNormApply(
    x: number,
    gamma: number,
    beta: number,
    mean: number,
    invStd: number,
    y: number,
    relu: number,
    N: number,
    C: number,
    S: number,
    c0: number,
    c1: number,
  ): void;
  batchNormBackward(
    x: number,
    dy: number,
    gamma: number,
    mean: number,
    invStd: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    training: number,
    rectified: number,
    N: number,
    C: number,
    S: number,
    c0: number,
    c1: number,
  ): void;
  softmax(x: number, y: number, cols: number, log: number, r0: number, r1: number): void;
  softmaxBackward(y: number, dy: number, dx: number, cols: number, log: number, r0: number, r1: number): void;
}

export interface WasmRuntime {
  readonly kernels: Kernels;
  readonly memory: WasmMemory;
  readonly heap: HeapAllocator;
  /** The compiled module, which worker threads instantiate on the same memory (threads/settings.ts). */
  readonly module: WasmModule;
  /** False where the engine refused shared memory (kernel-memory.ts): then there are no worker threads. */
  readonly shared: boolean;
  /** Which build of the kernels is loaded (kernel-builds.ts). */
  readonly build: KernelBuildName;
}

let runtime: WasmRuntime | null = null;
let loading: Promise<WasmRuntime> | null = null;

/**
 * The process-wide runtime, instantiated on first use. Where the platform has the bytes at hand
 * (Node reads the file) this compiles and instantiates synchronously, so that the backend needs
 * no `await`; where they must be fetched (a browser) `loadWasmRuntime()` must have run first.
 */
export function wasmRuntime(): WasmRuntime {
  if (!runtime) {
    const build = chooseKernelBuild();
    const bytes = platform().readBytesSync(build.url);
    if (bytes === null) {
      throw new Error(
        '@funt/tensor: the WebAssembly kernels are not loaded yet. In a browser they are fetched: ' +
          '`await ready()` (from @funt/tensor) once before the first operation on the wasm backend.',
      );
    }
    const kernelMemory = createKernelMemory();
    const { binary, segments } = prepareBinary(bytes, kernelMemory.shared);
    runtime = instantiateKernels(new WebAssemblyApi.Module(binary), segments, kernelMemory, build.name);
  }
  return runtime;
}

/**
 * Fetches (or reads), compiles and instantiates the kernels without blocking: compilation runs
 * off the calling thread (`WebAssembly.compile`). Resolves to the same runtime as `wasmRuntime()`.
 */
export function loadWasmRuntime(): Promise<WasmRuntime> {
  if (runtime) return Promise.resolve(runtime);
  loading ??= (async () => {
    const build = chooseKernelBuild();
    const bytes = await platform().readBytes(build.url);
    const kernelMemory = createKernelMemory();
    const { binary, segments } = prepareBinary(bytes, kernelMemory.shared);
    const module = await WebAssemblyApi.compile(binary);
    runtime ??= instantiateKernels(module, segments, kernelMemory, build.name);
    return runtime;
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** The module's data segments made passive (segments.ts) and, for an unshared memory, its import too. */
function prepareBinary(bytes: Uint8Array, shared: boolean): ReturnType<typeof passiveData> {
  const prepared = passiveData(bytes);
  return shared ? prepared : { ...prepared, binary: unsharedMemoryImport(prepared.binary) };
}

/**
 * Instantiates compiled kernels on `kernelMemory` (kernel-memory.ts) and hands the memory to the
 * heap allocator, which starts above the module's static data (__heap_base), so tensors never
 * overlap it.
 *
 * The static data is written here, once: the module is compiled with its data segments made
 * passive (segments.ts), so that instantiating it again in every worker thread writes nothing
 * into memory that kernels are using.
 */
export function instantiateKernels(
  module: WasmModule,
  segments: readonly DataSegment[],
  { memory, shared }: KernelMemory,
  build: KernelBuildName,
): WasmRuntime {
  const bytes = new Uint8Array(memory.buffer);
  for (const s of segments) bytes.set(s.bytes, s.offset);
  // The only import is the memory: --noAssert and the stub runtime leave no `abort`.
  const instance = new WebAssemblyApi.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  const heap = new HeapAllocator(memory, kernels.heapBase() >>> 0);
  return { kernels, memory, heap, module, shared, build };
}

/**
 * Which build of the kernels the wasm backend runs, or, before they load, will load:
 * 'relaxed-simd' where the engine has relaxed SIMD (fused multiply-add), else 'simd'.
 * FUNT_KERNELS (Node) forces one.
 */
export function kernelBuild(): KernelBuildName {
  return runtime?.build ?? chooseKernelBuild().name;
}
