import { add, type Tensor } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { Linear } from '../dense/linear.js';
import type { Activity } from '../module/activity.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { compareBackends, scaledError } from './backend-check.js';

/** A module that computes something else on the float64 run: compareBackends must see it. */
class BiasedOnSecondRun extends Linear {
  static runs = 0;
  override updateOutput(input: Activity): Tensor {
    const y = super.updateOutput(input);
    return BiasedOnSecondRun.runs++ % 2 === 1 ? add(y, 1e-3, y) : y;
  }
}

describe('compareBackends', () => {
  it('measures max|a − b| / max(1, max|a|)', () => {
    expect(scaledError([1, 2], [1, 2])).toBe(0);
    expect(scaledError([0.1, 0.2], [0.1, 0.2001])).toBeCloseTo(1e-4, 12);
    expect(scaledError([100, 0], [100, 1])).toBeCloseTo(0.01, 12);
    expect(scaledError([1], [1, 2])).toBe(Infinity);
  });

  it('compares output, gradients and buffers of one module on two backends', () => {
    const r = compareBackends(() => new SpatialBatchNormalization(3), [2, 3, 4, 4], {
      backends: ['reference', 'reference'],
    });
    expect(r.ok, r.toString()).toBe(true);
    expect(r.errors.map((e) => e.name)).toEqual([
      'output.0',
      'gradInput.0',
      'grad weight',
      'grad bias',
      'buffer running_mean',
      'buffer running_var',
    ]);
    expect(r.worst.error).toBe(0);
  });

  it('reports a module that computes differently', () => {
    BiasedOnSecondRun.runs = 0;
    const r = compareBackends(() => new BiasedOnSecondRun(3, 2), [4, 3], { backends: ['reference', 'reference'] });
    expect(r.ok).toBe(false);
    expect(r.worst.name).toBe('output.0');
    expect(r.toString()).toContain('DIFFER');
  });
});
