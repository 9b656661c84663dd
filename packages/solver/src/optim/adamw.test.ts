import { describe, expect, it } from 'vitest';
import { expectClose, logisticRegression, quadraticDistance, twoSteps } from '../testing/problems.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';

describe('AdamW', () => {
  it('shrinks the weights by lr·weightDecay before an Adam step on the raw gradient', () => {
    // t = 1: w ← 0.95·w0 = [0.95, −1.9], then − 0.1·sign(g1) → [0.85, −2.0]
    // t = 2: w ← 0.95·w1, then the Adam step of the plain test above (same m, v)
    const rule = () => new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
    expectClose(twoSteps(rule), [
      [0.8500000019999998, -1.999999999],
      [0.8441103541405652, -1.9830597512777273],
    ]);
  });

  it('has its own name and a default decay of 0.01', () => {
    const r = new AdamW();
    expect(r.name).toBe('adamw');
    expect(r.config.weightDecay).toBe(0.01);
    expect(new Adam().config.weightDecay).toBe(0);
  });

  it('solves a quadratic (to within the pull of the decay) and a logistic regression', () => {
    expect(quadraticDistance(new AdamW({ learningRate: 0.05, weightDecay: 1e-4 }), 1000)).toBeLessThan(1e-2);
    const fit = logisticRegression(new AdamW({ learningRate: 0.1, weightDecay: 1e-3 }), 200);
    expect(fit.accuracy).toBe(1);
    expect(fit.loss).toBeLessThan(0.05);
  });
});
