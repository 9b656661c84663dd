import { describe, expect, it } from 'vitest';
import { expectClose, logisticRegression, quadraticDistance, twoSteps } from '../testing/problems.js';
import { RmsProp } from './rmsprop.js';

describe('RmsProp', () => {
  it('matches two hand-computed steps', () => {
    // step 1: cache = 0.1·[0.25, 1] = [0.025, 0.1]; w1 = w0 − 0.1·g/√cache
    //         = [1 − 0.05/0.15811388, −2 − 0.1/0.31622777] = [0.68377225, −2.31622776]
    // step 2: cache = 0.9·cache + 0.1·[1, 0.0625] = [0.1225, 0.09625]
    //         w2 = w1 − 0.1·[−1/0.35, 0.25/0.31024184] = [0.96948653, −2.39681005]
    const out = twoSteps(() => new RmsProp({ learningRate: 0.1, decayRate: 0.9, epsilon: 1e-8 }));
    const expected = [
      [0.6837722539831608, -2.316227756016838],
      [0.9694865315341814, -2.3968100498219735],
    ];
    expectClose(out, expected);
  });

  it('solves a quadratic and a logistic regression', () => {
    expect(quadraticDistance(new RmsProp({ learningRate: 0.01 }), 1000)).toBeLessThan(2e-2);
    const fit = logisticRegression(new RmsProp({ learningRate: 0.05 }), 300);
    expect(fit.accuracy).toBe(1);
    expect(fit.loss).toBeLessThan(0.05);
  });
});
