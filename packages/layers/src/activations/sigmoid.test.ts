import { type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Sigmoid } from './sigmoid.js';

describe('Sigmoid', () => {
  it('computes 1/(1+e^−x)', () => {
    withBackend(
      'reference',
      () => {
        const y = new Sigmoid().forward(tensor([0, 2])) as Tensor;
        expect(y.get(0)).toBe(0.5);
        expect(y.get(1)).toBeCloseTo(1 / (1 + Math.exp(-2)), 14);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new Sigmoid(), [3, 4]);
  });

  it('needs a forward before backward', () => {
    expect(() => new Sigmoid().backward(tensor([1]), tensor([1]))).toThrow(
      'Sigmoid (root): backward called before forward',
    );
  });
});

itAgreesAcrossBackends('Sigmoid', () => new Sigmoid(), [4, 6]);
