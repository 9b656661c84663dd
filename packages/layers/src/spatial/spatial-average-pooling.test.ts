import { arange, type Tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SpatialAveragePooling } from './spatial-average-pooling.js';

describe('SpatialAveragePooling', () => {
  it('averages windows; stride defaults to 1 (Torch)', () => {
    withBackend(
      'reference',
      () => {
        const p = new SpatialAveragePooling(2, 2);
        expect([p.dW, p.dH]).toEqual([1, 1]);
        const y = p.forward(arange(9).reshape([1, 1, 3, 3])) as Tensor;
        expect(y.toArray()).toEqual([
          [
            [
              [2, 3],
              [5, 6],
            ],
          ],
        ]);
      },
      'float64',
    );
  });

  it('counts padding in the divisor unless setCountExcludePad()', () => {
    withBackend(
      'reference',
      () => {
        const x = arange(4).reshape([1, 1, 2, 2]);
        const incl = new SpatialAveragePooling(3, 3, 1, 1, 1, 1).forward(x) as Tensor;
        expect(incl.get(0, 0, 0, 0)).toBeCloseTo(6 / 9, 12);
        const excl = new SpatialAveragePooling(3, 3, 1, 1, 1, 1).setCountExcludePad().forward(x) as Tensor;
        expect(excl.get(0, 0, 0, 0)).toBeCloseTo(6 / 4, 12);
      },
      'float64',
    );
  });

  it('does global 8×8 pooling as in the ResNet head', () => {
    const y = new SpatialAveragePooling(8, 8).forward(zeros([2, 64, 8, 8])) as Tensor;
    expect(y.shape).toEqual([2, 64, 1, 1]);
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new SpatialAveragePooling(2, 2, 2, 2), [2, 2, 4, 4]);
    expectGradients(() => new SpatialAveragePooling(3, 3, 2, 2, 1, 1), [1, 2, 5, 5]);
    expectGradients(() => new SpatialAveragePooling(3, 3, 2, 2, 1, 1).setCountExcludePad().ceil(), [1, 2, 6, 6]);
  });

  it('rejects bad input with its path and shapes', () => {
    expect(() => new SpatialAveragePooling(2, 2).forward(zeros([4, 4]))).toThrow(
      'expected input [N, C, H, W], received [4, 4]',
    );
  });
});

itAgreesAcrossBackends('SpatialAveragePooling', () => new SpatialAveragePooling(3, 3, 2, 2, 1, 1), [2, 3, 7, 7]);
itAgreesAcrossBackends(
  'SpatialAveragePooling (padding excluded, ceil mode)',
  () => new SpatialAveragePooling(3, 3, 2, 2, 1, 1).setCountExcludePad().ceil(),
  [2, 3, 6, 6],
);
