import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The functions of the compiled addon (native/addon.cc). Tensors are passed as their Float32Arrays. */
export interface NativeBinding {
  /** The best instruction level of the kernels this CPU runs ('avx512' or 'avx2'), else null. */
  cpuLevel(): string | null;
  /** The convolutions run the kernels of `level` (at most cpuLevel()) from now on; throws otherwise. */
  setLevel(level: string): void;
  /** y = conv(x, w) + bias (+ residual, then ReLU when `relu`); geometry is N C H W O kH kW sH sW pH pW Ho Wo. */
  conv2d(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    residual: Float32Array | null,
    y: Float32Array,
    geometry: Int32Array,
    relu: boolean,
    threads: number,
  ): void;
  /** dx (overwritten) = gradient of the convolution w.r.t. its input. */
  conv2dBackwardData(dy: Float32Array, w: Float32Array, dx: Float32Array, geometry: Int32Array, threads: number): void;
  /** dw (and db) = gradient w.r.t. the weights (and bias), added to them when `accumulate`. */
  conv2dBackwardFilter(
    x: Float32Array,
    dy: Float32Array,
    dw: Float32Array,
    db: Float32Array | null,
    geometry: Int32Array,
    accumulate: boolean,
    threads: number,
  ): void;
  /**
   * Batch norm's training forward (batchNormTrain of @funt/tensor's Backend); planes is N C S
   * (S the product of the axes after the channel axis), absent operands null.
   */
  batchNormTrain(
    x: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    y: Float32Array,
    saveMean: Float32Array,
    saveInvStd: Float32Array,
    runningMean: Float32Array | null,
    runningVar: Float32Array | null,
    planes: Int32Array,
    momentum: number,
    eps: number,
    relu: boolean,
    residual: Float32Array | null,
    threads: number,
  ): void;
  /** Batch norm with given statistics (the Backend's batchNormApply). */
  batchNormApply(
    x: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    mean: Float32Array,
    invStd: Float32Array,
    y: Float32Array,
    planes: Int32Array,
    relu: boolean,
    threads: number,
  ): void;
  /** Batch norm's backward pass (the Backend's batchNormBackward). */
  batchNormBackward(
    x: Float32Array,
    dy: Float32Array,
    gamma: Float32Array | null,
    mean: Float32Array,
    invStd: Float32Array,
    dx: Float32Array | null,
    dgamma: Float32Array | null,
    dbeta: Float32Array | null,
    rectified: Float32Array | null,
    planes: Int32Array,
    training: boolean,
    threads: number,
  ): void;
  /** out = a op b (then ReLU when `relu`), all of one length; op 0–3 is add, sub, mul, div. */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, relu: boolean, threads: number): void;
  /** out = full op scalar, or scalar op full when `scalarLeft` (the scalar rounded to float32). */
  binaryScalar(
    op: number,
    full: Float32Array,
    scalar: number,
    scalarLeft: boolean,
    out: Float32Array,
    relu: boolean,
    threads: number,
  ): void;
  /** dx = x > threshold ? dy : 0, the comparison as in double. */
  thresholdBackward(x: Float32Array, dy: Float32Array, threshold: number, dx: Float32Array, threads: number): void;
  /** out = beta · out + alpha · x (alpha, beta rounded to float32); beta = 0 does not read out. */
  axpby(alpha: number, x: Float32Array, beta: number, out: Float32Array, threads: number): void;
  /** Average pooling over windows inside the input; geometry is P (= N·C) H W Ho Wo kH kW sH sW. */
  avgPool2d(x: Float32Array, y: Float32Array, geometry: Int32Array, threads: number): void;
  /** Its gradient: dx (overwritten) gets each dy / (kH·kW) in every cell of its window. */
  avgPool2dBackward(dy: Float32Array, dx: Float32Array, geometry: Int32Array, threads: number): void;
  /** out = value (rounded to float32) everywhere. */
  fill(out: Float32Array, value: number, threads: number): void;
  /** out = x padded with value (rounded to float32); geometry is x's shape, the counts before, the counts after. */
  pad(x: Float32Array, out: Float32Array, geometry: Int32Array, value: number, threads: number): void;
  /** dx = the part of dy that x was copied to (geometry as pad's, dx being x). */
  padBackward(dy: Float32Array, dx: Float32Array, geometry: Int32Array, threads: number): void;
}

/** The addon and the instruction set it runs with, or why there is none. */
export type BindingStatus =
  | { available: true; binding: NativeBinding; cpu: string }
  | { available: false; reason: string };

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The instruction levels of the kernels, lowest first. */
export const LEVELS = ['avx2', 'avx512'] as const;

/** The levels a CPU whose best level is `best` runs (every level up to it), lowest first. */
export function levelsUpTo(best: string): readonly string[] {
  return LEVELS.slice(0, LEVELS.indexOf(best as (typeof LEVELS)[number]) + 1);
}

/**
 * Loads build/Release/funt_native.node. Not available when the install-time build did not
 * happen (its reason is in build/unavailable.txt), when the file does not load, or when the CPU
 * lacks AVX2 and FMA. The convolutions run the CPU's best level, or the level
 * FUNT_NATIVE_LEVEL names (avx2 or avx512: a lower one for comparisons and tests).
 */
export function loadBinding(env: NodeJS.ProcessEnv = process.env): BindingStatus {
  const file = join(packageRoot, 'build', 'Release', 'funt_native.node');
  if (!existsSync(file)) {
    const note = join(packageRoot, 'build', 'unavailable.txt');
    const why = existsSync(note) ? readFileSync(note, 'utf8').trim().split('\n')[0] : 'the addon was not built';
    return { available: false, reason: why };
  }
  let binding: NativeBinding;
  try {
    binding = createRequire(import.meta.url)(file) as NativeBinding;
  } catch (e) {
    return { available: false, reason: `${file} does not load: ${(e as Error).message}` };
  }
  const cpu = binding.cpuLevel();
  if (cpu === null) return { available: false, reason: 'this CPU lacks AVX2 and FMA' };
  const asked = env.FUNT_NATIVE_LEVEL;
  if (asked === undefined || asked === '') return { available: true, binding, cpu };
  const runs = levelsUpTo(cpu);
  if (!runs.includes(asked)) {
    return {
      available: false,
      reason: `FUNT_NATIVE_LEVEL=${asked} is not a level this CPU runs (${runs.join(', ')})`,
    };
  }
  binding.setLevel(asked);
  return { available: true, binding, cpu: asked };
}
