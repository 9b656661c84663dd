import { type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { LogSoftMax } from './log-softmax.js';

describe('LogSoftMax', () => {
  it('gives log-probabilities, finite for large scores', () => {
    withBackend(
      'reference',
      () => {
        const y = new LogSoftMax().forward(
          tensor([
            [1000, 0],
            [1, 1],
          ]),
        ) as Tensor;
        expect(y.get(0, 0)).toBeCloseTo(0, 14);
        expect(y.get(0, 1)).toBeCloseTo(-1000, 10);
        expect(y.get(1, 0)).toBeCloseTo(-Math.log(2), 14);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new LogSoftMax(), [3, 4]);
  });
});

itAgreesAcrossBackends('LogSoftMax', () => new LogSoftMax(), [4, 10]);
