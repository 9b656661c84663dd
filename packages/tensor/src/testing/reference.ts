import { createReferenceBackend } from '../backends/reference/index.js';
import type { DType } from '../dtype.js';
import { listBackends, registerBackend, setBackend, setDefaultDType } from '../engine.js';
import { Rng } from '../random.js';
import { Tensor } from '../tensor.js';

/**
 * Helpers for the reference backend's tests (and the ops' tests, which run on it): seeded
 * random tensors, inner products and closeness checks in float64. Test support only
 * (src/testing is type-checked but not built into dist).
 */

/**
 * Makes the reference backend (and `dtype`) active for the ops in this test file. Tests import
 * modules directly rather than the package entry point, so the backend is registered here.
 */
export function useReference(dtype: DType = 'float64'): void {
  if (!listBackends().includes('reference')) registerBackend('reference', createReferenceBackend);
  setBackend('reference');
  setDefaultDType(dtype);
}

/** A tensor of standard normal values from a seeded generator. */
export function randn(shape: readonly number[], seed: number, dtype: DType = 'float64'): Tensor {
  const t = Tensor.empty(shape, dtype);
  new Rng(seed).fillNormal(t.data);
  return t;
}

/** Σ a[i] b[i] in float64: the inner product the adjoint identities are stated with. */
export function dot(a: Tensor, b: Tensor): number {
  if (a.size !== b.size) throw new Error(`dot: sizes differ (${a.size} vs ${b.size})`);
  const x = a.data;
  const y = b.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** max |a - b| / max(1, |a|, |b|): a relative error that stays meaningful near zero. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxRelativeError: lengths differ (${a.length} vs ${b.length})`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i]), Math.abs(b[i]));
    if (!(err <= worst)) worst = err; // NaN makes the error NaN, which fails any bound
  }
  return worst;
}

/** Throws (failing the test) unless the arrays agree elementwise (relative to magnitudes ≥ 1). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-9): void {
  const err = maxRelativeError(actual, expected);
  if (!(err <= tol)) {
    throw new Error(
      `max relative error ${err} > ${tol}\nactual:   ${Array.from(actual).slice(0, 16).join(', ')}\nexpected: ${Array.from(expected).slice(0, 16).join(', ')}`,
    );
  }
}
