import { type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SpatialUpSamplingNearest } from './spatial-up-sampling-nearest.js';

describe('SpatialUpSamplingNearest', () => {
  it('turns each pixel into a scale×scale block', () => {
    withBackend(
      'reference',
      () => {
        const y = new SpatialUpSamplingNearest(2).forward(tensor([[[[1, 2]]]])) as Tensor;
        expect(y.toArray()).toEqual([
          [
            [
              [1, 1, 2, 2],
              [1, 1, 2, 2],
            ],
          ],
        ]);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new SpatialUpSamplingNearest(3), [2, 2, 2, 3]);
  });

  it('rejects a bad scale or rank', () => {
    expect(() => new SpatialUpSamplingNearest(1.5)).toThrow('scale must be an integer >= 1, got 1.5');
    expect(() => new SpatialUpSamplingNearest(2).forward(zeros([2, 2]))).toThrow(
      'expected input [N, C, H, W], received [2, 2]',
    );
  });
});

itAgreesAcrossBackends('SpatialUpSamplingNearest', () => new SpatialUpSamplingNearest(2), [2, 3, 4, 5]);
