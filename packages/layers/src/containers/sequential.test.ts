import { type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from '../activations/relu.js';
import { Tanh } from '../activations/tanh.js';
import { Linear } from '../dense/linear.js';
import { LayerError } from '../module/errors.js';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Identity } from './identity.js';
import { Sequential } from './sequential.js';

describe('Sequential', () => {
  it("chains its children; its output is the last child's", () => {
    withBackend(
      'reference',
      () => {
        const a = new Linear(2, 2);
        a.weight.data.set([1, 0, 0, 1]);
        a.bias!.data.set([0, -5]);
        const s = new Sequential(a, new ReLU());
        const y = s.forward(tensor([[1, 2]])) as Tensor;
        expect(y.toArray()).toEqual([[1, 0]]);
        expect(y).toBe(s.get(1).output);
      },
      'float64',
    );
  });

  it('gives children paths and keeps them up to date on insert and remove', () => {
    const inner = new Sequential(new Identity(), new Linear(2, 2));
    const s = new Sequential(new ReLU(), inner);
    expect(inner.get(1).path).toBe('1.1');
    s.insert(new Tanh(), 0);
    expect(inner.path).toBe('2');
    expect(inner.get(1).path).toBe('2.1');
    const removed = s.remove(0);
    expect(removed.path).toBe('');
    expect(inner.get(1).path).toBe('1.1');
    expect(s.length).toBe(2);
    expect(() => s.get(5)).toThrow('Sequential (root): get: no child 5 (it has 2)');
  });

  it('has gradients that match numerical ones, with in-place layers inside', () => {
    expectGradients(() => new Sequential(new Linear(4, 5), new ReLU(true), new Linear(5, 3), new Tanh()), [3, 4]);
  });

  it('splits backward into updateGradInput and accGradParameters with the same result', () => {
    withBackend(
      'reference',
      () => {
        const build = () => {
          const s = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 2));
          s.parameters().forEach((p, i) => p.value.data.forEach((_, j) => (p.value.data[j] = Math.sin(i + j))));
          return s;
        };
        const x = tensor([
          [0.1, 0.2, 0.3],
          [-1, 0, 1],
        ]);
        const g = tensor([
          [1, 2],
          [3, 4],
        ]);
        const a = build();
        a.forward(x);
        const ga = (a.backward(x, g) as Tensor).toTypedArray();
        const b = build();
        b.forward(x);
        const gb = b.updateGradInput(x, g) as Tensor;
        b.accGradParameters(x, g);
        expect(Array.from(gb.data)).toEqual(Array.from(ga));
        a.parameters().forEach((p, i) =>
          expect(Array.from(b.parameters()[i].grad.data)).toEqual(Array.from(p.grad.data)),
        );
      },
      'float64',
    );
  });

  it('names the failing child by path when an input does not fit', () => {
    const s = new Sequential(new Linear(4, 3), new Sequential(new ReLU(), new Linear(2, 1)));
    expect(() => s.forward(zeros([2, 4]))).toThrow(LayerError);
    expect(() => s.forward(zeros([2, 4]))).toThrow(
      "Linear at '1.1': bad input shape, expected input [N, 2] or input [2], received [2, 3]",
    );
  });

  it('prints the tree', () => {
    const s = new Sequential(new Linear(4, 3), new Sequential(new ReLU(), new Linear(3, 1)));
    expect(s.toString()).toBe(
      [
        'Sequential {',
        '  [input -> (0) -> (1) -> output]',
        '  (0): Linear(4 -> 3)',
        '  (1): Sequential {',
        '    [input -> (0) -> (1) -> output]',
        '    (0): ReLU',
        '    (1): Linear(3 -> 1)',
        '  }',
        '}',
      ].join('\n'),
    );
  });
});

itAgreesAcrossBackends('Sequential', () => new Sequential(new Linear(6, 5), new ReLU(true), new Linear(5, 3)), [4, 6]);
