import { type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { MulConstant } from './mul-constant.js';

describe('MulConstant', () => {
  it('scales forward and backward by the constant', () => {
    withBackend(
      'reference',
      () => {
        const m = new MulConstant(-2);
        const x = tensor([1, 2.5]);
        expect((m.forward(x) as Tensor).toArray()).toEqual([-2, -5]);
        expect((m.backward(x, tensor([1, 1])) as Tensor).toArray()).toEqual([-2, -2]);
      },
      'float64',
    );
  });

  it('in place, scales the input itself and restores it in backward (Torch)', () => {
    withBackend(
      'reference',
      () => {
        const m = new MulConstant(4, true);
        const x = tensor([1, 3]);
        expect(m.forward(x)).toBe(x);
        expect(x.toArray()).toEqual([4, 12]);
        const g = tensor([1, 1]);
        expect(m.backward(x, g)).toBe(g);
        expect(g.toArray()).toEqual([4, 4]);
        expect(x.toArray()).toEqual([1, 3]);
        expect(m.writesGradOutput()).toBe(true);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new MulConstant(2.5), [3, 4]);
    expectGradients(() => new MulConstant(0.5, true), [3, 4]);
  });

  it('rejects a zero constant in place', () => {
    expect(() => new MulConstant(0, true)).toThrow('in place needs a non-zero constant');
  });
});

itAgreesAcrossBackends('MulConstant', () => new MulConstant(0.3), [4, 6]);
