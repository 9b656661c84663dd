import { describe, expect, it } from 'vitest';
import { expectClose, TWO_GRADIENTS, twoSteps, W0 } from '../testing/problems.js';
import { Adam } from './adam.js';
import { Nesterov } from './nesterov.js';
import { RmsProp } from './rmsprop.js';
import { Sgd } from './sgd.js';
import { SgdMomentum } from './sgd-momentum.js';
import type { UpdateRule } from './update-rule.js';

/**
 * A schedule that cycles the momentum (one-cycle) sets `rule.momentum` before every step; each
 * step must use the value set for it. Two steps at momenta 0.95 then 0.85 (rules configured
 * with 0.9), against the rules' formulas evaluated here in float64.
 */
const [g1, g2] = TWO_GRADIENTS;
const M = [0.95, 0.85];
const lr = 0.1;
const setMomentum = (rule: UpdateRule, step: number) => {
  rule.momentum = M[step];
};
const each = (f: (j: number) => number) => [f(0), f(1)];

describe('a momentum set before each step (cycled momentum)', () => {
  it('every rule starts at its configured momentum; rmsprop has none', () => {
    expect(new Sgd({ momentum: 0.7 }).momentum).toBe(0.7);
    expect(new Sgd().momentum).toBe(0);
    expect(new SgdMomentum({ momentum: 0.8 }).momentum).toBe(0.8);
    expect(new Nesterov().momentum).toBe(0.9);
    expect(new Adam({ beta1: 0.8 }).momentum).toBe(0.8);
    expect(new RmsProp().momentum).toBeNull();
  });

  it('sgdMomentum: v ← μ_t·v − lr·g', () => {
    const v1 = each((j) => -lr * g1[j]);
    const w1 = each((j) => W0[j] + v1[j]);
    const w2 = each((j) => w1[j] + M[1] * v1[j] - lr * g2[j]);
    expectClose(
      twoSteps(() => new SgdMomentum({ learningRate: lr }), setMomentum),
      [w1, w2],
    );
  });

  it('nesterov: w ← w + μ_t²·v − (1 + μ_t)·lr·g', () => {
    const w1 = each((j) => W0[j] - (1 + M[0]) * lr * g1[j]);
    const v1 = each((j) => -lr * g1[j]);
    const w2 = each((j) => w1[j] + M[1] * M[1] * v1[j] - (1 + M[1]) * lr * g2[j]);
    expectClose(
      twoSteps(() => new Nesterov({ learningRate: lr }), setMomentum),
      [w1, w2],
    );
  });

  it('sgd: buf ← μ_t·buf + (1 − dampening)·g, the default dampening following μ_t', () => {
    const w1 = each((j) => W0[j] - lr * g1[j]); // the first step copies g into the buffer
    const undamped = each((j) => w1[j] - lr * (M[1] * g1[j] + g2[j]));
    expectClose(
      twoSteps(() => new Sgd({ learningRate: lr, momentum: 0.9, dampening: 0 }), setMomentum),
      [w1, undamped],
    );
    const damped = each((j) => w1[j] - lr * (M[1] * g1[j] + (1 - M[1]) * g2[j]));
    expectClose(
      twoSteps(() => new Sgd({ learningRate: lr, momentum: 0.9 }), setMomentum),
      [w1, damped],
    );
  });

  it("adam: the step's beta1 in the moment and in the bias correction (as PyTorch's Adam)", () => {
    const b2 = 0.999;
    const eps = 1e-8;
    const m1 = each((j) => (1 - M[0]) * g1[j]);
    const v1 = each((j) => (1 - b2) * g1[j] ** 2);
    const w1 = each((j) => W0[j] - ((lr / (1 - M[0])) * m1[j]) / (Math.sqrt(v1[j]) / Math.sqrt(1 - b2) + eps));
    const m2 = each((j) => M[1] * m1[j] + (1 - M[1]) * g2[j]);
    const v2 = each((j) => b2 * v1[j] + (1 - b2) * g2[j] ** 2);
    const w2 = each(
      (j) => w1[j] - ((lr / (1 - M[1] ** 2)) * m2[j]) / (Math.sqrt(v2[j]) / Math.sqrt(1 - b2 ** 2) + eps),
    );
    expectClose(
      twoSteps(() => new Adam({ learningRate: lr }), setMomentum),
      [w1, w2],
    );
  });
});
