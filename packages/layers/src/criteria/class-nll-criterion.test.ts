import { type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { checkCriterionGradients } from '../checking/gradcheck.js';
import { LayerError } from '../module/errors.js';
import { itCriterionAgreesAcrossBackends } from '../testing/backends.js';
import { ClassNLLCriterion } from './class-nll-criterion.js';

const f64 = <T>(fn: () => T): T => withBackend('reference', fn, 'float64');

describe('ClassNLLCriterion', () => {
  it('is the mean negative log-probability of the targets', () => {
    f64(() => {
      const c = new ClassNLLCriterion();
      const logp = tensor([
        [-1, -2, -3],
        [-0.5, -4, -6],
      ]);
      expect(c.forward(logp, Int32Array.from([2, 0]))).toBeCloseTo((3 + 0.5) / 2, 14);
      expect((c.backward(logp, Int32Array.from([2, 0])) as Tensor).toArray()).toEqual([
        [0, 0, -0.5],
        [-0.5, 0, 0],
      ]);
    });
  });

  it('accepts targets as a tensor of integral values, and a single sample', () => {
    f64(() => {
      const c = new ClassNLLCriterion();
      expect(
        c.forward(
          tensor([
            [-1, -2],
            [-3, -4],
          ]),
          tensor([1, 0]),
        ),
      ).toBeCloseTo(2.5, 14);
      expect(c.forward(tensor([-1, -2]), Int32Array.from([1]))).toBeCloseTo(2, 14);
    });
  });

  it('weights classes and divides by the total weight (Torch), or sums without sizeAverage', () => {
    f64(() => {
      const logp = tensor([
        [-1, -2],
        [-3, -4],
        [-5, -6],
      ]);
      const t = Int32Array.from([0, 1, 1]);
      expect(new ClassNLLCriterion([1, 3]).forward(logp, t)).toBeCloseTo((1 + 3 * 4 + 3 * 6) / 7, 14);
      expect(new ClassNLLCriterion(null, false).forward(logp, t)).toBeCloseTo(1 + 4 + 6, 14);
    });
  });

  it('has a gradient that matches numerical differentiation, with and without weights', () => {
    f64(() => {
      const t = Int32Array.from([0, 3, 1, 3]);
      for (const c of [
        new ClassNLLCriterion(),
        new ClassNLLCriterion(tensor([1, 2, 0.5, 3])),
        new ClassNLLCriterion(null, false),
      ]) {
        const r = checkCriterionGradients(c, [4, 4], t);
        expect(r.ok, r.toString()).toBe(true);
      }
    });
  });

  it('says which target is bad', () => {
    const c = new ClassNLLCriterion();
    const x = zeros([3, 4]);
    expect(() => c.forward(x, Int32Array.from([0, 4, 1]))).toThrow(LayerError);
    expect(() => c.forward(x, Int32Array.from([0, 4, 1]))).toThrow(
      'ClassNLLCriterion (root): target 1 is 4, not a class index in [0, 4)',
    );
    expect(() => c.forward(x, Int32Array.from([0, 1]))).toThrow(
      '2 targets for a batch of 3, expected [3], received [2]',
    );
    expect(() => c.forward(x, tensor([0, 1.5, 2]))).toThrow('target 1 is 1.5, not an integer class index');
    expect(() => c.forward(zeros([2, 2, 2]), Int32Array.from([0, 1]))).toThrow(
      'input must be scores per class, expected [N, C] or [C], received [2, 2, 2]',
    );
    expect(() => new ClassNLLCriterion([1, 2]).forward(x, Int32Array.from([0, 1, 2]))).toThrow(
      'has 2 class weights for 4 classes',
    );
  });
});

itCriterionAgreesAcrossBackends(
  'ClassNLLCriterion',
  () => new ClassNLLCriterion([1, 2, 0.5, 1]),
  [5, 4],
  Int32Array.from([0, 3, 2, 1, 1]),
);
