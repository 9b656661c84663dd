import { arange, type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SpatialMaxPooling } from './spatial-max-pooling.js';

describe('SpatialMaxPooling', () => {
  it('takes window maxima; stride defaults to the kernel (Torch)', () => {
    withBackend(
      'reference',
      () => {
        const p = new SpatialMaxPooling(2, 2);
        expect([p.dW, p.dH]).toEqual([2, 2]);
        const y = p.forward(arange(16).reshape([1, 1, 4, 4])) as Tensor;
        expect(y.toArray()).toEqual([
          [
            [
              [5, 7],
              [13, 15],
            ],
          ],
        ]);
      },
      'float64',
    );
  });

  it('rounds the output size up with ceil()', () => {
    const x = zeros([1, 1, 5, 5]);
    expect((new SpatialMaxPooling(2, 2).forward(x) as Tensor).shape).toEqual([1, 1, 2, 2]);
    expect((new SpatialMaxPooling(2, 2).ceil().forward(x) as Tensor).shape).toEqual([1, 1, 3, 3]);
    expect(new SpatialMaxPooling(2, 2).ceil().toString()).toBe('SpatialMaxPooling(2x2, 2,2, 0,0, ceil)');
  });

  it('routes the gradient to the maximum of each window', () => {
    withBackend(
      'reference',
      () => {
        const p = new SpatialMaxPooling(2, 2);
        const x = tensor([
          [
            [
              [1, 9],
              [3, 4],
            ],
          ],
        ]);
        p.forward(x);
        expect((p.backward(x, tensor([[[[5]]]])) as Tensor).toArray()).toEqual([
          [
            [
              [0, 5],
              [0, 0],
            ],
          ],
        ]);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones (overlapping, padded, ceil)', () => {
    expectGradients(() => new SpatialMaxPooling(2, 2), [2, 2, 4, 4]);
    expectGradients(() => new SpatialMaxPooling(3, 3, 2, 2, 1, 1), [2, 2, 5, 5]);
    expectGradients(() => new SpatialMaxPooling(2, 2, 2, 2).ceil(), [1, 2, 5, 5]);
  });

  it('rejects bad input with its path and shapes', () => {
    expect(() => new SpatialMaxPooling(2, 2).forward(zeros([2, 4, 4]))).toThrow(
      'SpatialMaxPooling (root): bad input shape, expected input [N, C, H, W], received [2, 4, 4]',
    );
    expect(() => new SpatialMaxPooling(3, 3).forward(zeros([1, 1, 2, 2]))).toThrow('smaller than the 3x3 window');
    expect(() => new SpatialMaxPooling(2, 2, 2, 2, 2, 0)).toThrow('padding 2,0 must be at most half the kernel 2x2');
  });
});

itAgreesAcrossBackends('SpatialMaxPooling', () => new SpatialMaxPooling(3, 3, 2, 2, 1, 1), [2, 3, 7, 7]);
itAgreesAcrossBackends('SpatialMaxPooling (ceil mode)', () => new SpatialMaxPooling(2, 2, 2, 2).ceil(), [2, 3, 5, 5]);
