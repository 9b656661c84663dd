import { describe, expect, it } from 'vitest';
import { SolverConfigError } from '../errors.js';
import { expectClose, logisticRegression, quadraticDistance, runSteps, twoSteps, W0 } from '../testing/problems.js';
import { Nesterov } from './nesterov.js';
import { Sgd } from './sgd.js';

describe('Sgd (Torch optim.sgd semantics)', () => {
  it('plain: w ← w − lr·g', () => {
    // [1 − 0.05, −2 − 0.1] = [0.95, −2.1]; then [0.95 + 0.1, −2.1 − 0.025] = [1.05, −2.125]
    expectClose(
      twoSteps(() => new Sgd({ learningRate: 0.1 })),
      [
        [0.95, -2.1],
        [1.05, -2.125],
      ],
    );
  });

  it('momentum with dampening and weight decay; the first step copies the gradient into the buffer', () => {
    // step 1: g = g1 + 0.01·w0 = [0.51, 0.98]; buf = g; w1 = w0 − 0.1·buf = [0.949, −2.098]
    // step 2: g = g2 + 0.01·w1 = [−0.99051, 0.22902];
    //         buf = 0.9·[0.51, 0.98] + (1 − 0.1)·g = [−0.432459, 1.088118]
    //         w2 = w1 − 0.1·buf = [0.9922459, −2.2068118]
    const rule = () => new Sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 });
    expectClose(twoSteps(rule), [
      [0.949, -2.098],
      [0.9922459, -2.2068118],
    ]);
  });

  it('dampening defaults to the momentum, as in Torch', () => {
    // step 2: buf = 0.9·g1 + (1 − 0.9)·g2 = [0.35, 0.925]; w2 = [0.95 − 0.035, −2.1 − 0.0925]
    expectClose(
      twoSteps(() => new Sgd({ learningRate: 0.1, momentum: 0.9 })),
      [
        [0.95, -2.1],
        [0.915, -2.1925],
      ],
    );
  });

  it('nesterov: g ← g + momentum·buf', () => {
    // step 1: buf = g1; g = g1 + 0.9·g1 = [0.95, 1.9]; w1 = [0.905, −2.19]
    // step 2: buf = 0.9·g1 + g2 = [−0.55, 1.15]; g = g2 + 0.9·buf = [−1.495, 1.285]; w2 = [1.0545, −2.3185]
    const rule = () => new Sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    expectClose(twoSteps(rule), [
      [0.905, -2.19],
      [1.0545, -2.3185],
    ]);
  });

  it('learningRateDecay anneals the rate as lr / (1 + steps·decay)', () => {
    // rates 0.1 then 0.05: [0.95, −2.1], then [0.95 + 0.05, −2.1 − 0.0125]
    expectClose(
      twoSteps(() => new Sgd({ learningRate: 0.1, learningRateDecay: 1 })),
      [
        [0.95, -2.1],
        [1, -2.1125],
      ],
    );
  });

  it('Torch nesterov and the cs231n form are the same method at a constant rate', () => {
    const random = Array.from({ length: 20 }, (_, i) => [Math.sin(i * 1.7), Math.cos(i * 0.3) * 2]);
    const torch = runSteps(() => new Sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true }), W0, random);
    const cs231n = runSteps(() => new Nesterov({ learningRate: 0.05, momentum: 0.8 }), W0, random);
    expectClose(torch, cs231n);
  });

  it('solves a quadratic and a logistic regression', () => {
    expect(quadraticDistance(new Sgd({ learningRate: 0.04, momentum: 0.9, dampening: 0 }), 300)).toBeLessThan(1e-3);
    const fit = logisticRegression(new Sgd({ learningRate: 0.5, momentum: 0.9, nesterov: true }), 200);
    expect(fit.accuracy).toBe(1);
    expect(fit.loss).toBeLessThan(0.05);
  });

  it('rejects bad options, naming them', () => {
    expect(() => new Sgd({ momentun: 0.9 } as never)).toThrow(
      /update rule 'sgd': unknown option 'momentun' \(known: learningRate, momentum/,
    );
    expect(() => new Sgd({ learningRate: -1 })).toThrow(/option 'learningRate' must be a number in \[0, ∞\), got -1/);
    expect(() => new Sgd({ nesterov: 'yes' as never })).toThrow(/option 'nesterov' must be true or false, got "yes"/);
    expect(() => new Sgd({ nesterov: true })).toThrow(SolverConfigError);
    expect(() => new Sgd({ nesterov: true, momentum: 0.9, dampening: 0.5 })).toThrow(
      /nesterov needs momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.5/,
    );
  });
});
