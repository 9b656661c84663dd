import { type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { ReLU } from './relu.js';

describe('ReLU', () => {
  it('computes max(0, x) into its own buffer', () => {
    withBackend(
      'reference',
      () => {
        const r = new ReLU();
        const x = tensor([-1, 0, 2]);
        const y = r.forward(x) as Tensor;
        expect(y).not.toBe(x);
        expect(y.toArray()).toEqual([0, 0, 2]);
        expect(x.toArray()).toEqual([-1, 0, 2]);
        expect((r.backward(x, tensor([1, 1, 1])) as Tensor).toArray()).toEqual([0, 0, 1]);
      },
      'float64',
    );
  });

  it('in place, really works in place in both directions', () => {
    withBackend(
      'reference',
      () => {
        const r = new ReLU(true);
        const x = tensor([-1, 2]);
        expect(r.forward(x)).toBe(x);
        expect(x.toArray()).toEqual([0, 2]);
        const g = tensor([5, 6]);
        expect(r.backward(x, g)).toBe(g);
        expect(g.toArray()).toEqual([0, 6]);
      },
      'float64',
    );
    expect(new ReLU(true).toString()).toBe('ReLU(inPlace)');
    expect(new ReLU().toString()).toBe('ReLU');
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new ReLU(), [3, 4]);
    expectGradients(() => new ReLU(true), [2, 3, 2]);
  });
});

itAgreesAcrossBackends('ReLU', () => new ReLU(), [4, 6]);
itAgreesAcrossBackends('ReLU in place', () => new ReLU(true), [4, 6]);
