import { normal, Rng, type Tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SpatialConvolution } from './spatial-convolution.js';
import { SpatialFullConvolution } from './spatial-full-convolution.js';

function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i] * b.data[i];
  return s;
}

describe('SpatialFullConvolution', () => {
  it('has Torch layout [nIn, nOut, kH, kW] and output size (H−1)·dH − 2·padH + kH + adjH', () => {
    const c = new SpatialFullConvolution(3, 5, 4, 3, 2, 2, 1, 1, 1, 0);
    expect(c.weight.shape).toEqual([3, 5, 3, 4]);
    const y = c.forward(zeros([2, 3, 4, 6])) as Tensor;
    expect(y.shape).toEqual([2, 5, (4 - 1) * 2 - 2 + 3 + 0, (6 - 1) * 2 - 2 + 4 + 1]);
    expect(c.toString()).toBe('SpatialFullConvolution(3 -> 5, 4x3, 2,2, 1,1, 1,0)');
  });

  it('is the adjoint of SpatialConvolution with the same weight', () => {
    withBackend(
      'reference',
      () => {
        const rng = new Rng(2);
        const t = new SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1).noBias();
        const c = new SpatialConvolution(3, 2, 3, 3, 2, 2, 1, 1).noBias();
        c.weight.data.set(t.weight.data);
        const x = normal([2, 2, 3, 3], rng);
        const y = normal([2, 3, 6, 6], rng);
        const lhs = dot(c.forward(y) as Tensor, x);
        const rhs = dot(y, t.forward(x) as Tensor);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10 * Math.abs(lhs));
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 0), [2, 2, 3, 4]);
    expectGradients(() => new SpatialFullConvolution(2, 2, 2, 3).noBias(), [1, 2, 2, 3]);
  });

  it('rejects adj ≥ stride, a wrong channel count and padding that leaves no output', () => {
    expect(() => new SpatialFullConvolution(1, 1, 3, 3, 2, 2, 0, 0, 2, 0)).toThrow(
      'adjW/adjH must be smaller than dW/dH',
    );
    expect(() => new SpatialFullConvolution(2, 1, 3, 3).forward(zeros([1, 3, 4, 4]))).toThrow(
      'expected input [N, 2, H, W], received [1, 3, 4, 4]',
    );
    // (1-1)·1 - 2·2 + 3 = -1 rows: the padding eats the whole output.
    expect(() => new SpatialFullConvolution(1, 1, 3, 3, 1, 1, 2, 2).forward(zeros([1, 1, 1, 1]))).toThrow(
      'output would be -1x-1: padding too large for this input, expected (H-1)·1 - 2·2 + 3 >= 1, received [1, 1, 1, 1]',
    );
  });
});

itAgreesAcrossBackends(
  'SpatialFullConvolution',
  () => new SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1),
  [2, 3, 4, 4],
);
