import { type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Tanh } from './tanh.js';

describe('Tanh', () => {
  it('computes tanh', () => {
    withBackend(
      'reference',
      () => {
        const y = new Tanh().forward(tensor([-1, 0.5])) as Tensor;
        expect(y.get(0)).toBeCloseTo(Math.tanh(-1), 14);
        expect(y.get(1)).toBeCloseTo(Math.tanh(0.5), 14);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new Tanh(), [3, 4]);
  });
});

itAgreesAcrossBackends('Tanh', () => new Tanh(), [4, 6]);
