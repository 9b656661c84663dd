import { Rng, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { parameter, setData } from '../testing/problems.js';
import { clipGradNorm, gradNorm } from './clip-grad-norm.js';

/** Runs fn on the reference backend in float64, where hand computations compare exactly. */
const float64 = <T>(fn: () => T): T => withBackend('reference', fn, 'float64');

describe('clipGradNorm', () => {
  it('scales every gradient by maxNorm / (total + 1e-6) above the limit (hand computation, float64)', () =>
    float64(() => {
      const a = parameter([0, 0], 'a');
      const b = parameter([0], 'b');
      setData(a.grad, [3, 4]);
      setData(b.grad, [12]);
      expect(gradNorm([a, b])).toBe(13); // √(9 + 16 + 144)
      const total = clipGradNorm([a, b], 6.5);
      expect(total).toBe(13);
      const c = 6.5 / (13 + 1e-6);
      expect(Array.from(a.grad.data)).toEqual([3 * c, 4 * c]);
      expect(Array.from(b.grad.data)).toEqual([12 * c]);
      expect(gradNorm([a, b])).toBeCloseTo(6.5, 6);
    }));

  it('matches the definition on random gradients of several parameters (float64)', () =>
    float64(() => {
      const rng = new Rng(3);
      const params = [5, 1, 17, 64].map((n, i) => parameter(new Array(n).fill(0), `p${i}`));
      const grads = params.map((p) => Array.from({ length: p.value.size }, () => rng.normal(0, 2)));
      params.forEach((p, i) => setData(p.grad, grads[i]));
      let squares = 0;
      for (const g of grads) for (const v of g) squares += v * v;
      const expected = Math.sqrt(squares);
      const maxNorm = expected / 3;
      expect(clipGradNorm(params, maxNorm)).toBeCloseTo(expected, 12);
      const c = maxNorm / (expected + 1e-6);
      params.forEach((p, i) => Array.from(p.grad.data).forEach((v, j) => expect(v).toBeCloseTo(grads[i][j] * c, 14)));
    }));

  it('leaves gradients untouched at or below the limit, as PyTorch does (clamped coefficient 1)', () =>
    float64(() => {
      const a = parameter([0, 0, 0]);
      setData(a.grad, [1, 2, 2]); // norm 3
      expect(clipGradNorm([a], 3.000001)).toBe(3); // 3.000001 / (3 + 1e-6) = 1: not below 1
      expect(Array.from(a.grad.data)).toEqual([1, 2, 2]);
      expect(clipGradNorm([a], Number.POSITIVE_INFINITY)).toBe(3);
      expect(Array.from(a.grad.data)).toEqual([1, 2, 2]);
      // At exactly the limit PyTorch still scales, by 3 / (3 + 1e-6).
      clipGradNorm([a], 3);
      expect(Array.from(a.grad.data)).toEqual([1, 2, 2].map((v) => v * (3 / (3 + 1e-6))));
    }));
});
