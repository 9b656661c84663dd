import { describe, expect, it } from 'vitest';
import { tensor } from './creation.js';
import { withBackend } from './engine.js';
import { numericalGradient } from './numerical-gradient.js';
import { maxRelativeError, useReference } from './testing/reference.js';

useReference();

describe('numericalGradient', () => {
  it('differentiates a known function of a float64 tensor and restores the tensor', () => {
    withBackend(
      'reference',
      () => {
        // f = exp(x0) · x1 + log(x2): ∂f = [exp(x0)·x1, exp(x0), 1/x2].
        const x = tensor([0.3, 2, 4]);
        const f = () => Math.exp(x.data[0]) * x.data[1] + Math.log(x.data[2]);
        const g = numericalGradient(f, x);
        expect(maxRelativeError(g, [Math.exp(0.3) * 2, Math.exp(0.3), 0.25])).toBeLessThan(1e-9);
        expect(Array.from(x.data)).toEqual([0.3, 2, 4]);
      },
      'float64',
    );
  });

  it('takes the array a function reads, and a step', () => {
    const v = new Float64Array([3, 4]);
    const norm = () => Math.hypot(v[0], v[1]);
    expect(maxRelativeError(numericalGradient(norm, v), [0.6, 0.8])).toBeLessThan(1e-9);
    // A cubic's central difference is off by exactly h² (f''' / 6 · h² with f''' = 6).
    const c = new Float64Array([1]);
    const g = numericalGradient(() => c[0] ** 3, c, 0.1);
    expect(g[0]).toBeCloseTo(3 + 0.01, 12);
    expect(Array.from(v)).toEqual([3, 4]);
  });
});
