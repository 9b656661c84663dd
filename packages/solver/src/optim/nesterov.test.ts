import { describe, expect, it } from 'vitest';
import { expectClose, logisticRegression, quadraticDistance, twoSteps } from '../testing/problems.js';
import { Nesterov } from './nesterov.js';

describe('Nesterov (cs231n form)', () => {
  it('matches two hand-computed steps of v ← μv − lr·g; w ← w − μ·v_prev + (1 + μ)·v', () => {
    // v1 = [−0.05, −0.1]; w1 = w0 + 1.9·v1 = [0.905, −2.19]
    // v2 = 0.9·v1 − 0.1·[−1, 0.25] = [0.055, −0.115]; w2 = w1 − 0.9·v1 + 1.9·v2 = [1.0545, −2.3185]
    const out = twoSteps(() => new Nesterov({ learningRate: 0.1, momentum: 0.9 }));
    expectClose(out, [
      [0.905, -2.19],
      [1.0545, -2.3185],
    ]);
  });

  it('solves a quadratic and a logistic regression', () => {
    expect(quadraticDistance(new Nesterov({ learningRate: 0.04, momentum: 0.9 }), 300)).toBeLessThan(1e-3);
    const fit = logisticRegression(new Nesterov({ learningRate: 0.5, momentum: 0.9 }), 200);
    expect(fit.accuracy).toBe(1);
    expect(fit.loss).toBeLessThan(0.05);
  });
});
