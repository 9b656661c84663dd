import { fromTypedArray, type Tensor, withBackend, zeros } from '@funt/tensor';
import { expect } from 'vitest';
import type { Parameter } from '../model.js';
import type { UpdateRule } from '../optim/update-rule.js';

/** Test support: small problems for update rules (not part of the package build). */

export function parameter(values: number[], name = 'w'): Parameter {
  const value = fromTypedArray(values);
  return { name, value, grad: zeros(value.shape, value.dtype) };
}

export function setData(t: Tensor, values: ArrayLike<number>): void {
  t.data.set(values);
}

/**
 * Runs `rule` on one parameter starting at w0 with the given gradient sequence, in float64 on
 * the reference backend so that hand-computed values can be compared to 1e-12. `before` runs
 * before each step (e.g. to set the rule's momentum). Returns w after each step.
 */
export function runSteps(
  rule: () => UpdateRule,
  w0: number[],
  grads: number[][],
  before?: (rule: UpdateRule, step: number) => void,
): number[][] {
  return withBackend(
    'reference',
    () => {
      const r = rule();
      const p = parameter(w0);
      return grads.map((g, step) => {
        setData(p.grad, g);
        before?.(r, step);
        r.step([p]);
        return Array.from(p.value.data);
      });
    },
    'float64',
  );
}

/**
 * f(w) = ½ Σ a_i (w_i − c_i)²: an ill-conditioned bowl (a = 1 and 20) with minimum at c.
 * Runs `steps` updates from w = 0 and returns the final distance to the minimum.
 */
export function quadraticDistance(rule: UpdateRule, steps: number): number {
  const a = [1, 20];
  const c = [3, -2];
  const p = parameter([0, 0]);
  for (let s = 0; s < steps; s++) {
    const w = p.value.data;
    setData(p.grad, [a[0] * (w[0] - c[0]), a[1] * (w[1] - c[1])]);
    rule.step([p]);
  }
  const w = p.value.data;
  return Math.hypot(w[0] - c[0], w[1] - c[1]);
}

/** Two Gaussian blobs in 2-D (labels 0/1), linearly separable, from a fixed LCG. */
function blobs(n: number, seed = 1): { x: number[][]; y: number[] } {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const centre = label ? [2, 2] : [-2, -1];
    x.push([centre[0] + (u() - 0.5) * 2, centre[1] + (u() - 0.5) * 2]);
    y.push(label);
  }
  return { x, y };
}

/**
 * Full-batch logistic regression on `blobs`: w = [w1, w2, b], mean cross-entropy. Runs `steps`
 * updates and returns the final loss and accuracy.
 */
export function logisticRegression(rule: UpdateRule, steps: number): { loss: number; accuracy: number } {
  const { x, y } = blobs(40);
  const p = parameter([0, 0, 0]);
  const evalAt = (w: ArrayLike<number>, grad: number[] | null) => {
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < x.length; i++) {
      const z = w[0] * x[i][0] + w[1] * x[i][1] + w[2];
      const prob = 1 / (1 + Math.exp(-z));
      loss -= y[i] ? Math.log(prob) : Math.log(1 - prob);
      if ((prob > 0.5 ? 1 : 0) === y[i]) correct++;
      if (grad) {
        const d = (prob - y[i]) / x.length;
        grad[0] += d * x[i][0];
        grad[1] += d * x[i][1];
        grad[2] += d;
      }
    }
    return { loss: loss / x.length, accuracy: correct / x.length };
  };
  for (let s = 0; s < steps; s++) {
    const g = [0, 0, 0];
    evalAt(p.value.data, g);
    setData(p.grad, g);
    rule.step([p]);
  }
  return evalAt(p.value.data, null);
}

/**
 * The hand-worked problem of the update-rule tests: two steps from w0 = [1, −2] with the
 * gradients g1 = [0.5, 1] and g2 = [−1, 0.25].
 */
export const W0 = [1, -2];
const GRADS = [
  [0.5, 1],
  [-1, 0.25],
];

/** w after each of the two hand-worked steps of `rule` (`before` runs before each step). */
export function twoSteps(rule: () => UpdateRule, before?: (rule: UpdateRule, step: number) => void): number[][] {
  return runSteps(rule, W0, GRADS, before);
}

/** The gradients of the two hand-worked steps, for tests that compute the expected values in code. */
export const TWO_GRADIENTS = GRADS;

/** Every entry to 12 decimals, the precision the hand computations carry. */
export function expectClose(actual: number[][], expected: number[][]): void {
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 12)));
}
