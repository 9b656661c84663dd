import { describe, expect, it } from 'vitest';
import { expectClose, logisticRegression, quadraticDistance, twoSteps } from '../testing/problems.js';
import { Adam } from './adam.js';

describe('Adam', () => {
  it('matches two hand-computed steps with bias correction', () => {
    // t = 1: m = 0.1·g1, v = 0.001·g1²; m̂ = g1, v̂ = g1²; w1 = w0 − 0.1·g1/(|g1| + 1e-8) ≈ [0.9, −2.1]
    // t = 2: m = [−0.055, 0.115], v = [0.00124975, 0.0010615625];
    //        m̂ = m/0.19, v̂ = v/0.001999; w2 = w1 − 0.1·m̂/(√v̂ + 1e-8) = [0.93661035, −2.18305975]
    const rule = () => new Adam({ learningRate: 0.1 });
    expectClose(twoSteps(rule), [
      [0.9000000019999999, -2.099999999],
      [0.9366103542405653, -2.183059751227727],
    ]);
  });

  it('adds weightDecay·w to the gradient (L2) when weightDecay is set', () => {
    // t = 1: g = g1 + 0.5·w0 = [1, 0] → w1 = [0.9, −2]; t = 2: g = g2 + 0.5·w1 = [−0.55, −0.75]
    const rule = () => new Adam({ learningRate: 0.1, weightDecay: 0.5 });
    expectClose(twoSteps(rule), [
      [0.9000000009999999, -2],
      [0.8771703774851736, -1.9255863190461087],
    ]);
  });

  it('solves a quadratic and a logistic regression', () => {
    expect(quadraticDistance(new Adam({ learningRate: 0.05 }), 1000)).toBeLessThan(1e-3);
    const fit = logisticRegression(new Adam({ learningRate: 0.1 }), 200);
    expect(fit.accuracy).toBe(1);
    expect(fit.loss).toBeLessThan(0.05);
  });
});
