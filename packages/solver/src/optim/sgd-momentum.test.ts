import { describe, expect, it } from 'vitest';
import { expectClose, logisticRegression, quadraticDistance, twoSteps } from '../testing/problems.js';
import { SgdMomentum } from './sgd-momentum.js';

describe('SgdMomentum (cs231n form)', () => {
  it('matches two hand-computed steps', () => {
    // v1 = −0.1·[0.5, 1] = [−0.05, −0.1]; w1 = [0.95, −2.1]
    // v2 = 0.9·v1 − 0.1·[−1, 0.25] = [0.055, −0.115]; w2 = [1.005, −2.215]
    const out = twoSteps(() => new SgdMomentum({ learningRate: 0.1, momentum: 0.9 }));
    expectClose(out, [
      [0.95, -2.1],
      [1.005, -2.215],
    ]);
  });

  it('solves a quadratic and a logistic regression', () => {
    expect(quadraticDistance(new SgdMomentum({ learningRate: 0.04, momentum: 0.9 }), 300)).toBeLessThan(1e-3);
    const fit = logisticRegression(new SgdMomentum({ learningRate: 0.5, momentum: 0.9 }), 200);
    expect(fit.accuracy).toBe(1);
    expect(fit.loss).toBeLessThan(0.05);
  });
});
