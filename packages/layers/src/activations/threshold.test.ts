import { type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Threshold } from './threshold.js';

describe('Threshold', () => {
  it('replaces values not above the threshold (Torch defaults th = 1e-6, value = 0)', () => {
    withBackend(
      'reference',
      () => {
        const t = new Threshold(1, -5);
        expect((t.forward(tensor([0.5, 1, 2])) as Tensor).toArray()).toEqual([-5, -5, 2]);
        expect(new Threshold().threshold).toBe(1e-6);
      },
      'float64',
    );
  });

  it('in place, overwrites its input and its gradOutput, keeping no buffers', () => {
    withBackend(
      'reference',
      () => {
        const t = new Threshold(0, -1, true);
        const x = tensor([-2, 3]);
        expect(t.forward(x)).toBe(x);
        expect(x.toArray()).toEqual([-1, 3]);
        const g = tensor([7, 8]);
        expect(t.backward(x, g)).toBe(g);
        expect(g.toArray()).toEqual([0, 8]);
        expect(t.writesGradOutput()).toBe(true);
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new Threshold(0.3, -1), [3, 4]);
    expectGradients(() => new Threshold(0.3, 0.1, true), [3, 4]);
  });

  it('refuses in place with value > threshold (the mask would be lost)', () => {
    expect(() => new Threshold(0, 1, true)).toThrow('in place needs value <= threshold');
  });
});

itAgreesAcrossBackends('Threshold', () => new Threshold(0.2, -0.5), [4, 6]);
