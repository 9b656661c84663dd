import { type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SpatialReplicationPadding } from './spatial-replication-padding.js';

describe('SpatialReplicationPadding', () => {
  it('repeats the border pixels', () => {
    withBackend(
      'reference',
      () => {
        const y = new SpatialReplicationPadding(1, 0, 0, 2).forward(
          tensor([
            [
              [
                [1, 2],
                [3, 4],
              ],
            ],
          ]),
        ) as Tensor;
        expect(y.toArray()).toEqual([
          [
            [
              [1, 1, 2],
              [3, 3, 4],
              [3, 3, 4],
              [3, 3, 4],
            ],
          ],
        ]);
      },
      'float64',
    );
  });

  it('sums the gradient of every copy into the border pixel', () => {
    withBackend(
      'reference',
      () => {
        const p = new SpatialReplicationPadding(2, 0, 0, 0);
        const x = tensor([[[[1, 2]]]]);
        p.forward(x);
        expect((p.backward(x, tensor([[[[1, 1, 1, 1]]]])) as Tensor).toArray()).toEqual([[[[3, 1]]]]);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new SpatialReplicationPadding(1, 2, 2, 1), [2, 2, 3, 4]);
  });
});

itAgreesAcrossBackends('SpatialReplicationPadding', () => new SpatialReplicationPadding(1, 2, 2, 1), [2, 3, 5, 6]);
