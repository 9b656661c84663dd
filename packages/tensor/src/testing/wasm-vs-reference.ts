import type { Backend } from '../backend.js';
import { backendByName } from '../engine.js';
import { formatShape } from '../errors.js';
import '../index.js'; // registers both backends
import type { Rng } from '../random.js';
import { Tensor } from '../tensor.js';

/**
 * Helpers for the wasm-versus-reference tests.
 *
 * The accuracy contract
 * ---------------------
 * Each wasm kernel must match the reference backend (which accumulates in float64) with a
 * normwise relative error  max|wasm − ref| / max|ref|  of at most
 *     WASM_RTOL · sqrt(L)
 * where L is the length of the longest sum behind one output element (K for a matrix product,
 * C·kH·kW for a convolution, the reduced count for a reduction, 1 for elementwise ops). Float32
 * round-off in a sum of L terms grows like sqrt(L) on average; WASM_RTOL = 1e-5 leaves about
 * two orders of magnitude of headroom over that while a wrong index or a dropped term (an error
 * of order 1/L or more) still fails. NaN and ±Infinity must appear in the same places.
 * A sum can cancel to almost nothing (a one-element output, a bias gradient of a tiny batch);
 * then f32 round-off is large relative to the result but not to the terms. So where outputs
 * are sums, the scale is the larger of |result| and the typical size of a sum of L such terms,
 * Σ|terms| / sqrt(L), with Σ|terms| computed by the reference on absolute values (`termScale`).
 */
const WASM_RTOL = 1e-5;

/**
 * The backend under test: 'wasm', or the one FUNT_KERNELS_UNDER_TEST names (@funt/tensor-native
 * runs these suites on its 'native' backend, which shares the wasm backend's memory).
 */
export const wasm = (): Backend => backendByName(process.env.FUNT_KERNELS_UNDER_TEST || 'wasm');
export const reference = (): Backend => backendByName('reference');

export function tolerance(reductionLength: number): number {
  return WASM_RTOL * Math.sqrt(Math.max(1, reductionLength));
}

/**
 * max|a − e| / max|e| over finite entries (or / `scale` when given); Infinity when NaN/±Infinity
 * positions differ.
 */
export function normwiseError(actual: ArrayLike<number>, expected: ArrayLike<number>, scale?: number): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let largest = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!Number.isFinite(e)) {
      if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) return Infinity;
      continue;
    }
    if (!Number.isFinite(a)) return Infinity;
    diff = Math.max(diff, Math.abs(a - e));
    largest = Math.max(largest, Math.abs(e));
  }
  return diff === 0 ? 0 : diff / Math.max(scale ?? largest, 1e-30);
}

/** Throws unless `actual` (wasm) matches `expected` (reference) within tolerance(L). */
export function expectAgree(
  actual: Tensor,
  expected: Tensor,
  reductionLength: number,
  what: string,
  scale?: number,
): void {
  const err = normwiseError(actual.data, expected.data, scale);
  const tol = tolerance(reductionLength);
  if (!(err <= tol)) {
    const a = Array.from(actual.data.slice(0, 8), (v) => v.toPrecision(6)).join(', ');
    const e = Array.from(expected.data.slice(0, 8), (v) => v.toPrecision(6)).join(', ');
    throw new Error(
      `${what}: ${wasm().name} differs from reference by ${err.toExponential(2)} > ${tol.toExponential(2)} ` +
        `(shape ${formatShape(expected.shape)})\n  ${wasm().name}: ${a}\n  reference: ${e}`,
    );
  }
}

/** A reference tensor of the absolute values of t (for Σ|terms|: the same op on |inputs|). */
export function absolute(t: Tensor): Tensor {
  const a = Tensor.empty(t.shape, 'float32', reference());
  for (let i = 0; i < t.size; i++) a.data[i] = Math.abs(t.data[i]);
  return a;
}

/** max over outputs of max(|expected|, terms / sqrt(L)), NaN ignored: the scale for sums. */
export function termScale(expected: Tensor, terms: Tensor, reductionLength: number): number {
  const root = Math.sqrt(Math.max(1, reductionLength));
  let scale = 0;
  for (let i = 0; i < expected.size; i++) {
    const e = Math.abs(expected.data[i]);
    const t = terms.data[i] / root;
    if (Number.isFinite(e)) scale = Math.max(scale, e);
    if (!Number.isNaN(t) && t !== Infinity) scale = Math.max(scale, t);
  }
  return scale;
}

/** The same random float32 values as a wasm tensor and a reference tensor. */
export function randomPair(shape: readonly number[], rng: Rng, lo = -1, hi = 1): [Tensor, Tensor] {
  const w = Tensor.empty(shape, 'float32', wasm());
  rng.fillUniform(w.data, lo, hi);
  const r = Tensor.empty(shape, 'float32', reference());
  r.data.set(w.data);
  return [w, r];
}

/** A wasm and a reference tensor both filled with `value` (NaN checks that outputs are overwritten). */
export function filledPair(shape: readonly number[], value: number): [Tensor, Tensor] {
  const w = Tensor.empty(shape, 'float32', wasm());
  w.data.fill(value);
  const r = Tensor.empty(shape, 'float32', reference());
  r.data.fill(value);
  return [w, r];
}

/** Copies of a pair's reference values into a fresh pair (for outputs that start with content). */
export function clonePair([w, r]: readonly [Tensor, Tensor]): [Tensor, Tensor] {
  const w2 = Tensor.empty(w.shape, 'float32', wasm());
  w2.data.set(w.data);
  const r2 = Tensor.empty(r.shape, 'float32', reference());
  r2.data.set(r.data);
  return [w2, r2];
}

/**
 * fast-check settings: seeded, and few runs so the suite stays fast. For a longer soak after
 * changing a kernel, FUNT_PROPERTY_RUNS=n multiplies the runs and FUNT_PROPERTY_SEED=s draws
 * other cases.
 */
const SOAK = Math.max(1, Number(process.env.FUNT_PROPERTY_RUNS ?? 1) || 1);
const SEED = Number(process.env.FUNT_PROPERTY_SEED ?? 7) || 7;
export const RUNS = { seed: SEED, numRuns: 40 * SOAK } as const;
/** More runs for the convolution properties: their geometry space has the most corners. */
export const CONV_RUNS = { seed: SEED, numRuns: 150 * SOAK } as const;
