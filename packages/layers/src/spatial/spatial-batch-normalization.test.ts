import { normal, Rng, type Tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SpatialBatchNormalization } from './spatial-batch-normalization.js';

const f64 = <T>(fn: () => T): T => withBackend('reference', fn, 'float64');

describe('SpatialBatchNormalization', () => {
  it('normalises each channel over N, H and W', () => {
    f64(() => {
      const bn = new SpatialBatchNormalization(2, 1e-5, 0.1, false);
      const x = normal([3, 2, 4, 5], new Rng(1), 2, 3);
      const y = bn.forward(x) as Tensor;
      for (let c = 0; c < 2; c++) {
        let s = 0;
        let s2 = 0;
        for (let n = 0; n < 3; n++)
          for (let i = 0; i < 20; i++) {
            const v = y.data[(n * 2 + c) * 20 + i];
            s += v;
            s2 += v * v;
          }
        expect(s / 60).toBeCloseTo(0, 10);
        expect(s2 / 60).toBeCloseTo(1, 3);
      }
    });
  });

  it('has gradients that match numerical ones in training and evaluation', () => {
    expectGradients(() => new SpatialBatchNormalization(3), [2, 3, 3, 2]);
    expectGradients(() => new SpatialBatchNormalization(2).evaluate(), [2, 2, 2, 2]);
  });

  it('wants [N, C, H, W] with its channel count', () => {
    expect(() => new SpatialBatchNormalization(16).forward(zeros([2, 8, 4, 4]))).toThrow(
      'SpatialBatchNormalization (root): bad input shape, expected input [N, 16, H, W], received [2, 8, 4, 4]',
    );
  });
});

itAgreesAcrossBackends('SpatialBatchNormalization (training)', () => new SpatialBatchNormalization(4), [3, 4, 5, 5]);
itAgreesAcrossBackends(
  'SpatialBatchNormalization (evaluation)',
  () => new SpatialBatchNormalization(4).evaluate(),
  [3, 4, 5, 5],
);
