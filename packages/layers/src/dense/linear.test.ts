import { Rng, type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { LayerError } from '../module/errors.js';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Affine, Linear } from './linear.js';

describe('Linear', () => {
  it('computes x Wᵀ + b', () => {
    withBackend(
      'reference',
      () => {
        const l = new Linear(3, 2);
        l.weight.data.set([1, 2, 3, 4, 5, 6]);
        l.bias!.data.set([0.5, -1]);
        const y = l.forward(
          tensor([
            [1, 0, -1],
            [2, 1, 0],
          ]),
        );
        expect((y as Tensor).toArray()).toEqual([
          [1 - 3 + 0.5, 4 - 6 - 1],
          [2 + 2 + 0.5, 8 + 5 - 1],
        ]);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones, with and without bias, batched and single', () => {
    expectGradients(() => new Linear(4, 3), [5, 4]);
    expectGradients(() => new Linear(4, 3, false), [2, 4]);
    expectGradients(() => new Linear(4, 3).noBias(), [4]);
  });

  it('accumulates parameter gradients across backward calls', () => {
    withBackend(
      'reference',
      () => {
        const l = new Linear(3, 2);
        const x = tensor([[1, 2, 3]]);
        const g = tensor([[1, -1]]);
        l.forward(x);
        l.backward(x, g);
        const once = l.gradWeight.toTypedArray();
        l.backward(x, g);
        expect(Array.from(l.gradWeight.data)).toEqual(Array.from(once).map((v) => 2 * v));
        l.zeroGradParameters();
        expect(Array.from(l.gradWeight.data).every((v) => v === 0)).toBe(true);
      },
      'float64',
    );
  });

  it('initialises as Torch: uniform within ±1/√in', () => {
    const l = new Linear(100, 50).reset({ rng: new Rng(3) });
    const bound = 1 / Math.sqrt(100);
    const w = Array.from(l.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
  });

  it('names itself and the shapes in errors', () => {
    const l = new Linear(4, 3);
    expect(() => l.forward(tensor([[1, 2, 3]]))).toThrow(LayerError);
    expect(() => l.forward(tensor([[1, 2, 3]]))).toThrow(
      'Linear (root): bad input shape, expected input [N, 4] or input [4], received [1, 3]',
    );
    expect(() => new Linear(0, 3)).toThrow('inputSize must be an integer >= 1, got 0');
  });

  it('Affine is Linear', () => {
    expect(new Affine(2, 2)).toBeInstanceOf(Linear);
  });

  it('prints its arguments', () => {
    expect(new Linear(4, 3).toString()).toBe('Linear(4 -> 3)');
    expect(new Linear(4, 3, false).toString()).toBe('Linear(4 -> 3, without bias)');
  });
});

itAgreesAcrossBackends('Linear', () => new Linear(6, 5), [4, 6]);
