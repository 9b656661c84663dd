import { type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { CAddTable } from './cadd-table.js';

describe('CAddTable', () => {
  it('sums a table into a kept buffer', () => {
    withBackend(
      'reference',
      () => {
        const c = new CAddTable();
        const xs = [tensor([1, 2]), tensor([10, 20]), tensor([100, 200])];
        const y = c.forward(xs) as Tensor;
        expect(y.toArray()).toEqual([111, 222]);
        expect(c.forward(xs)).toBe(y);
        expect(xs[0].toArray()).toEqual([1, 2]);
      },
      'float64',
    );
  });

  it('returns gradOutput itself for every input (documented aliasing)', () => {
    const c = new CAddTable();
    const xs = [zeros([2]), zeros([2])];
    c.forward(xs);
    const g = tensor([1, 1]);
    const gi = c.backward(xs, g) as Tensor[];
    expect(gi).toHaveLength(2);
    expect(gi[0]).toBe(g);
    expect(gi[1]).toBe(g);
  });

  it("in place, writes the sum into the first input (Torch's ip)", () => {
    withBackend(
      'reference',
      () => {
        const xs = [tensor([1, 2]), tensor([3, 4])];
        expect(new CAddTable(true).forward(xs)).toBe(xs[0]);
        expect(xs[0].toArray()).toEqual([4, 6]);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(
      () => new CAddTable(),
      [
        [3, 4],
        [3, 4],
        [3, 4],
      ],
    );
  });

  it('rejects a tensor, an empty table and mismatched shapes', () => {
    const c = new CAddTable();
    expect(() => c.forward(zeros([2]))).toThrow(
      'CAddTable (root): input must be a table of one or more tensors, expected a table, received [2]',
    );
    expect(() => c.forward([])).toThrow('input table is empty');
    expect(() => c.forward([zeros([2]), zeros([3])])).toThrow('input 1 shape mismatch, expected [2], received [3]');
  });
});

itAgreesAcrossBackends('CAddTable', () => new CAddTable(), [
  [3, 4],
  [3, 4],
]);
