import { mul, type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { ClassNLLCriterion } from '../criteria/class-nll-criterion.js';
import { Linear } from '../dense/linear.js';
import type { Activity } from '../module/activity.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { checkCriterionGradients, checkModuleGradients, numericalGradient, relativeError } from './gradcheck.js';

/** A convolution whose gradInput is 1% too large: the kind of bug the check exists for. */
class ScaledGradConvolution extends SpatialConvolution {
  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const dx = super.updateGradInput(input, gradOutput);
    return mul(dx, 1.01, dx);
  }
}

/** A Linear that accumulates its bias gradient twice. */
class DoubleBiasLinear extends Linear {
  override accGradParameters(input: Activity, gradOutput: Activity): void {
    super.accGradParameters(input, gradOutput);
    super.accGradParameters(input, gradOutput);
    const w = this.gradWeight;
    mul(w, 0.5, w);
  }
}

describe('relativeError', () => {
  it('is the cs231n max |a−b| / max(|a|+|b|, tiny)', () => {
    expect(relativeError([1, 2], [1, 2])).toBe(0);
    expect(relativeError([1, 2], [1, 2.2])).toBeCloseTo(0.2 / 4.2, 12);
    expect(relativeError([0, 1], [1e-12, 1], 1e-8)).toBeCloseTo(1e-4, 12);
    expect(relativeError([1], [NaN])).toBeNaN();
    expect(() => relativeError([1], [1, 2])).toThrow('1 values vs 2');
  });
});

describe('numericalGradient', () => {
  it('differentiates a known function by central differences', () => {
    withBackend(
      'reference',
      () => {
        const x = tensor([0.5, -1, 2]);
        const f = () => {
          const d = x.data;
          return d[0] * d[0] * d[1] + Math.sin(d[2]);
        };
        const g = numericalGradient(f, x);
        expect(relativeError(g, [2 * 0.5 * -1, 0.25, Math.cos(2)])).toBeLessThan(1e-9);
        expect(Array.from(x.data)).toEqual([0.5, -1, 2]); // restored
      },
      'float64',
    );
  });
});

describe('checkModuleGradients', () => {
  it('passes a correct module in float64', () => {
    withBackend(
      'reference',
      () => {
        const r = checkModuleGradients(new SpatialConvolution(2, 3, 3, 3, 2, 2, 1, 1), [2, 2, 5, 5]);
        expect(r.ok, r.toString()).toBe(true);
        expect(r.errors.map((e) => e.name)).toEqual(['input', 'weight', 'bias']);
        expect(r.worst.error).toBeLessThan(1e-7);
      },
      'float64',
    );
  });

  it('fails a backward whose gradInput is 1% off', () => {
    withBackend(
      'reference',
      () => {
        const r = checkModuleGradients(new ScaledGradConvolution(2, 3, 3, 3, 2, 2, 1, 1), [2, 2, 5, 5]);
        expect(r.ok).toBe(false);
        expect(r.worst.name).toBe('input');
        expect(r.worst.error).toBeGreaterThan(1e-3);
        expect(r.toString()).toContain('FAILED');
      },
      'float64',
    );
  });

  it('fails a wrong parameter gradient and names it', () => {
    withBackend(
      'reference',
      () => {
        const r = checkModuleGradients(new DoubleBiasLinear(3, 2), [4, 3]);
        expect(r.ok).toBe(false);
        expect(r.worst.name).toBe('bias');
        expect(r.errors.find((e) => e.name === 'weight')!.error).toBeLessThan(1e-7);
        expect(r.errors.find((e) => e.name === 'input')!.error).toBeLessThan(1e-7);
      },
      'float64',
    );
  });

  it('refuses float32 without an explicit tolerance, saying how to run it', () => {
    withBackend(
      'reference',
      () => {
        expect(() => checkModuleGradients(new Linear(3, 2), [2, 3])).toThrow("withBackend('reference', fn, 'float64')");
      },
      'float32',
    );
  });
});

describe('checkCriterionGradients', () => {
  it('checks a criterion w.r.t. its input', () => {
    withBackend(
      'reference',
      () => {
        const r = checkCriterionGradients(new ClassNLLCriterion(), [3, 4], Int32Array.from([0, 3, 1]));
        expect(r.ok, r.toString()).toBe(true);
      },
      'float64',
    );
  });
});
