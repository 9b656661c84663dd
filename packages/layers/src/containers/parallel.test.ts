import { arange, type Tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { Linear } from '../dense/linear.js';
import { MulConstant } from '../dense/mul-constant.js';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Identity } from './identity.js';
import { Parallel } from './parallel.js';

describe('Parallel', () => {
  it('applies child i to slice i along inputDimension and concatenates along outputDimension', () => {
    withBackend(
      'reference',
      () => {
        // x [2, 3]: columns are the slices along axis 1; each child sees a [2] vector.
        const p = new Parallel(1, 0).add(new Identity()).add(new MulConstant(10)).add(new MulConstant(-1));
        const y = p.forward(arange(6).reshape([2, 3])) as Tensor;
        expect(y.toArray()).toEqual([0, 3, 10, 40, -2, -5]);
      },
      'float64',
    );
  });

  it('slices along axis 0 without copying', () => {
    withBackend(
      'reference',
      () => {
        const a = new Identity();
        const p = new Parallel(0, 0).add(a).add(new Identity());
        const x = arange(6).reshape([2, 3]);
        p.forward(x);
        expect((a.output as Tensor).sharesStorageWith(x)).toBe(true);
        expect((a.output as Tensor).toArray()).toEqual([0, 1, 2]);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones (slices and concatenation along various axes)', () => {
    expectGradients(() => new Parallel(1, 0).add(new Linear(4, 2)).add(new Linear(4, 2)), [3, 2, 4]);
    expectGradients(() => new Parallel(0, 1).add(new Linear(4, 2)).add(new Linear(4, 3)), [2, 3, 4]);
    expectGradients(() => new Parallel(2, 1).add(new Linear(3, 2)).add(new MulConstant(2)), [4, 3, 2]);
  });

  it('needs one slice per child', () => {
    const p = new Parallel(1, 0).add(new Identity()).add(new Identity());
    expect(() => p.forward(zeros([2, 3]))).toThrow(
      'Parallel (root): needs one slice per child along axis 1, expected input with axis 1 of size 2, received [2, 3]',
    );
    expect(() => new Parallel(0, 0).forward(zeros([1]))).toThrow('has no children');
    const mismatched = new Parallel(1, 0).add(new Linear(4, 2)).add(new Linear(4, 3));
    expect(() => mismatched.forward(zeros([3, 2, 4]))).toThrow(
      'Parallel (root): concat: shapes [3, 2] and [3, 3] differ outside axis 0',
    );
  });
});

itAgreesAcrossBackends('Parallel', () => new Parallel(1, 1).add(new Linear(5, 3)).add(new Linear(5, 2)), [4, 2, 5]);
