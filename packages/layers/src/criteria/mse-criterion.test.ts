import { type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { checkCriterionGradients } from '../checking/gradcheck.js';
import { itCriterionAgreesAcrossBackends } from '../testing/backends.js';
import { MSECriterion } from './mse-criterion.js';

describe('MSECriterion', () => {
  it('averages squared errors over every element (Torch sizeAverage), or sums them', () => {
    withBackend(
      'reference',
      () => {
        const x = tensor([
          [1, 2],
          [3, 4],
        ]);
        const t = tensor([
          [1, 0],
          [0, 4],
        ]);
        expect(new MSECriterion().forward(x, t)).toBeCloseTo((4 + 9) / 4, 14);
        expect(new MSECriterion(false).forward(x, t)).toBeCloseTo(13, 14);
        expect((new MSECriterion().backward(x, t) as Tensor).toArray()).toEqual([
          [0, 1],
          [1.5, 0],
        ]);
      },
      'float64',
    );
  });

  it('has a gradient that matches numerical differentiation', () => {
    withBackend(
      'reference',
      () => {
        const t = tensor([
          [0.5, -1, 2],
          [0, 0, 1],
        ]);
        expect(checkCriterionGradients(new MSECriterion(), [2, 3], t).ok).toBe(true);
        expect(checkCriterionGradients(new MSECriterion(false), [2, 3], t).ok).toBe(true);
      },
      'float64',
    );
  });

  it('wants a target tensor of the input shape', () => {
    expect(() => new MSECriterion().forward(zeros([2, 3]), zeros([3, 2]))).toThrow(
      'MSECriterion (root): target (vs input) shape mismatch, expected [2, 3], received [3, 2]',
    );
    expect(() => new MSECriterion().forward(zeros([2]), Int32Array.from([1, 0]))).toThrow(
      'target must be a tensor of the input shape',
    );
  });
});

itCriterionAgreesAcrossBackends(
  'MSECriterion',
  () => new MSECriterion(),
  [4, 5],
  () =>
    tensor(
      Array.from({ length: 20 }, (_, i) => Math.sin(i)),
      [4, 5],
    ),
);
