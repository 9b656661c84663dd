import { type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SpatialReflectionPadding } from './spatial-reflection-padding.js';

describe('SpatialReflectionPadding', () => {
  it('mirrors the border without repeating it (Torch order l, r, t, b)', () => {
    withBackend(
      'reference',
      () => {
        const y = new SpatialReflectionPadding(2, 1, 1, 0).forward(
          tensor([
            [
              [
                [1, 2, 3],
                [4, 5, 6],
              ],
            ],
          ]),
        ) as Tensor;
        expect(y.toArray()).toEqual([
          [
            [
              [6, 5, 4, 5, 6, 5],
              [3, 2, 1, 2, 3, 2],
              [6, 5, 4, 5, 6, 5],
            ],
          ],
        ]);
      },
      'float64',
    );
  });

  it('defaults every side to the left pad', () => {
    const p = new SpatialReflectionPadding(1);
    expect([p.padL, p.padR, p.padT, p.padB]).toEqual([1, 1, 1, 1]);
    expect(p.toString()).toBe('SpatialReflectionPadding(l=1, r=1, t=1, b=1)');
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new SpatialReflectionPadding(1, 2, 2, 1), [2, 2, 3, 4]);
  });

  it('rejects pads as large as the input', () => {
    expect(() => new SpatialReflectionPadding(3).forward(zeros([1, 1, 3, 5]))).toThrow(
      'SpatialReflectionPadding (root): reflection pads must be smaller than the input, expected H > 3 and W > 3, received [1, 1, 3, 5]',
    );
    expect(() => new SpatialReflectionPadding(-1)).toThrow('padL must be an integer >= 0, got -1');
  });
});

itAgreesAcrossBackends('SpatialReflectionPadding', () => new SpatialReflectionPadding(1, 2, 2, 1), [2, 3, 5, 6]);
