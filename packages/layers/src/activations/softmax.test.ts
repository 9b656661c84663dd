import { type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SoftMax } from './softmax.js';

describe('SoftMax', () => {
  it('gives probabilities over the last axis, stable for large scores', () => {
    withBackend(
      'reference',
      () => {
        const y = new SoftMax().forward(
          tensor([
            [1000, 1000],
            [0, Math.log(3)],
          ]),
        ) as Tensor;
        expect(y.toArray()).toEqual([[0.5, 0.5], [0.25, 0.75].map((v) => expect.closeTo(v, 14))]);
      },
      'float64',
    );
  });

  it('accepts a single vector', () => {
    expect((new SoftMax().forward(zeros([4])) as Tensor).shape).toEqual([4]);
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new SoftMax(), [3, 4]);
    expectGradients(() => new SoftMax(), [5]);
  });

  it('rejects other ranks', () => {
    expect(() => new SoftMax().forward(zeros([2, 3, 4]))).toThrow(
      'SoftMax (root): bad input shape, expected input [N, K] or input [K], received [2, 3, 4]',
    );
  });
});

itAgreesAcrossBackends('SoftMax', () => new SoftMax(), [4, 10]);
