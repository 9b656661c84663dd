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
        const x = tensor([0.5, -1, 2]);
        const f = () => {
          const d = x.data;
          return d[0] * d[0] * d[1] + Math.sin(d[2]);
        };
        const g = numericalGradient(f, x);
        expect(maxRelativeError(g, [2 * 0.5 * -1, 0.25, Math.cos(2)])).toBeLessThan(1e-9);
        expect(Array.from(x.data)).toEqual([0.5, -1, 2]);
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
