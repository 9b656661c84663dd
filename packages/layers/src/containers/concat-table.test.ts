import { mul, type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from '../activations/relu.js';
import { Linear } from '../dense/linear.js';
import { MulConstant } from '../dense/mul-constant.js';
import type { Activity } from '../module/activity.js';
import { Module } from '../module/module.js';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { CAddTable } from './cadd-table.js';
import { ConcatTable } from './concat-table.js';
import { Identity } from './identity.js';
import { Sequential } from './sequential.js';

describe('ConcatTable', () => {
  it('feeds the same input to every branch and outputs the table', () => {
    withBackend(
      'reference',
      () => {
        const c = new ConcatTable(new MulConstant(2), new Identity());
        const x = tensor([1, 2]);
        const [a, b] = c.forward(x) as Tensor[];
        expect(a.toArray()).toEqual([2, 4]);
        expect(b).toBe(x);
      },
      'float64',
    );
  });

  it("sums the branches' gradInputs into one kept buffer", () => {
    withBackend(
      'reference',
      () => {
        const c = new ConcatTable(new MulConstant(2), new MulConstant(3), new Identity());
        const x = tensor([1, 2]);
        c.forward(x);
        const g = c.backward(x, [tensor([1, 1]), tensor([1, 2]), tensor([5, 5])]) as Tensor;
        expect(g.toArray()).toEqual([2 + 3 + 5, 2 + 6 + 5]);
        expect(c.backward(x, [tensor([0, 0]), tensor([0, 0]), tensor([1, 1])])).toBe(g);
      },
      'float64',
    );
  });

  it("with one or two branches, gradInput is that branch's gradient or the sum of both", () => {
    withBackend(
      'reference',
      () => {
        const x = tensor([1, 2]);
        const one = new ConcatTable(new MulConstant(3));
        one.forward(x);
        expect((one.backward(x, [tensor([1, -1])]) as Tensor).toArray()).toEqual([3, -3]);
        const two = new ConcatTable(new MulConstant(2), new MulConstant(3));
        two.forward(x);
        expect((two.backward(x, [tensor([1, 1]), tensor([1, 2])]) as Tensor).toArray()).toEqual([2 + 3, 2 + 6]);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones, for tensor and table inputs', () => {
    expectGradients(() => new ConcatTable(new Linear(4, 5), new Identity(), new Linear(4, 5)), [3, 4]);
    expectGradients(
      () => new ConcatTable(new CAddTable(), new CAddTable()),
      [
        [2, 3],
        [2, 3],
      ],
    );
  });

  it('protects a shared gradOutput from a branch that ends in an in-place ReLU', () => {
    // CAddTable hands the same gradOutput to both branches; the ReLU(true) branch would zero
    // parts of it before the Identity branch reads it, unless ConcatTable gives it a copy.
    expectGradients(
      () =>
        new Sequential(
          new ConcatTable(new Sequential(new Linear(4, 4), new ReLU(true)), new Identity()),
          new CAddTable(),
        ),
      [3, 4],
    );
    expectGradients(
      () =>
        new Sequential(
          new ConcatTable(new Identity(), new Sequential(new Linear(4, 4), new ReLU(true))),
          new CAddTable(),
        ),
      [3, 4],
    );
  });

  it('protects a shared gradOutput from a branch that declares nothing (it may write into its gradOutput)', () => {
    /** y = x/2, and backward halves gradOutput in place, without declaring memory use (plan/memory-use.ts). */
    class HalveInPlace extends Module {
      override updateOutput(input: Activity): Tensor {
        return mul(input as Tensor, 0.5, this.cache.like('output', input as Tensor));
      }
      override updateGradInput(_input: Activity, gradOutput: Activity): Tensor {
        return mul(gradOutput as Tensor, 0.5, gradOutput as Tensor);
      }
    }
    expectGradients(() => new Sequential(new ConcatTable(new HalveInPlace(), new Identity()), new CAddTable()), [3, 4]);
  });

  it('checks the gradOutput table length', () => {
    const c = new ConcatTable(new Identity(), new Identity());
    const x = zeros([2]);
    c.forward(x);
    expect(() => c.backward(x, [zeros([2])])).toThrow(
      'ConcatTable (root): gradOutput table has 1 entries, expected 2, expected a table of 2, received {[2]}',
    );
    expect(() => new ConcatTable().forward(x)).toThrow('has no branches');
  });
});

itAgreesAcrossBackends('ConcatTable', () => new ConcatTable(new Linear(6, 3), new Identity()), [4, 6]);
