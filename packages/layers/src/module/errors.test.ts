import { zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Identity } from '../containers/identity.js';
import { Sequential } from '../containers/sequential.js';
import { Linear } from '../dense/linear.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { describeShape, LayerError } from './errors.js';

describe('LayerError', () => {
  it('names the module path deep in a tree, the expected and the received shape', () => {
    const net = new Sequential(
      new SpatialConvolution(3, 8, 3, 3, 1, 1, 1, 1),
      new Sequential(
        new ConcatTable(
          new Sequential(new SpatialConvolution(8, 8, 3, 3, 1, 1, 1, 1), new SpatialBatchNormalization(16)),
          new Identity(),
        ),
        new CAddTable(),
      ),
    );
    let err: unknown;
    try {
      net.forward(zeros([2, 3, 4, 4]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LayerError);
    const e = err as LayerError;
    expect(e.path).toBe('1.0.0.1');
    expect(e.module).toBe('SpatialBatchNormalization');
    expect(e.expected).toBe('input [N, 16, H, W]');
    expect(e.received).toBe('[2, 8, 4, 4]');
    expect(e.message).toBe(
      "SpatialBatchNormalization at '1.0.0.1': bad input shape, expected input [N, 16, H, W], received [2, 8, 4, 4]",
    );
  });

  it('reports a wrong table length with both tables', () => {
    const net = new Sequential(new ConcatTable(new Identity(), new Identity()), new CAddTable());
    net.forward(zeros([2]));
    expect(() => net.backward(zeros([2]), zeros([3]))).toThrow(
      "CAddTable at '1': gradOutput shape mismatch, expected [2], received [3]",
    );
    const c = new ConcatTable(new Identity(), new Identity(), new Identity());
    c.forward(zeros([2]));
    expect(() => c.backward(zeros([2]), [zeros([2]), zeros([2])])).toThrow(
      'gradOutput table has 2 entries, expected 3, expected a table of 3, received {[2], [2]}',
    );
  });

  it("wraps an op error raised inside a child with the child's path", () => {
    const net = new Sequential(new Identity(), new Linear(2, 2));
    net.forward(zeros([1, 2]));
    const bad = Object.assign(zeros([1, 2]), {});
    (net.get(1) as Linear).weight.dispose(); // the op will refuse a disposed tensor
    expect(() => net.forward(bad)).toThrow(LayerError);
    expect(() => net.forward(bad)).toThrow("Linear at '1': matmul");
  });

  it('formats tables of shapes', () => {
    expect(describeShape([[1, 2], [3]])).toBe('{[1, 2], [3]}');
    expect(describeShape('[N, C]')).toBe('[N, C]');
  });
});
