import { ones, Rng, type Tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Dropout } from './dropout.js';

describe('Dropout', () => {
  it('zeroes about p of the elements and scales the rest by 1/(1−p) (inverted dropout)', () => {
    const d = new Dropout(0.25, new Rng(1));
    const y = d.forward(ones([100, 100])) as Tensor;
    const values = new Set(Array.from(y.data));
    expect([...values].sort()).toEqual([0, 1 / 0.75].map((v) => Math.fround(v)).sort());
    const dropped = Array.from(y.data).filter((v) => v === 0).length / y.size;
    expect(dropped).toBeGreaterThan(0.23);
    expect(dropped).toBeLessThan(0.27);
  });

  it('is the identity in evaluation mode (output is the input)', () => {
    const d = new Dropout(0.5).evaluate();
    const x = ones([3, 4]);
    expect(d.forward(x)).toBe(x);
    const g = ones([3, 4]);
    expect(d.backward(x, g)).toBe(g);
  });

  it('draws the same masks from the same seed, and new masks each step', () => {
    const x = ones([4, 8]);
    const a = new Dropout(0.5, new Rng(7));
    const b = new Dropout(0.5, new Rng(7));
    const first = (a.forward(x) as Tensor).toTypedArray();
    expect(Array.from((b.forward(x) as Tensor).data)).toEqual(Array.from(first));
    expect(Array.from((a.forward(x) as Tensor).data)).not.toEqual(Array.from(first));
  });

  it('passes the gradient through the kept elements with the same scale', () => {
    withBackend(
      'reference',
      () => {
        const d = new Dropout(0.5, new Rng(3));
        const x = ones([2, 6]);
        const y = (d.forward(x) as Tensor).toTypedArray();
        expect(Array.from((d.backward(x, ones([2, 6])) as Tensor).data)).toEqual(Array.from(y));
      },
      'float64',
    );
  });

  it('has gradients that match numerical ones (with the mask held fixed)', () => {
    let d!: Dropout;
    const state = new Rng(5).getState();
    expectGradients(() => (d = new Dropout(0.4, new Rng(5))), [4, 5], { beforeForward: () => d.rng.setState(state) });
  });

  it('rejects p outside [0, 1)', () => {
    expect(() => new Dropout(1)).toThrow('Dropout (root): p must be in [0, 1), got 1');
    expect(() => new Dropout(0).forward(zeros([2]))).not.toThrow();
  });
});

const seed = new Rng(9).getState();
itAgreesAcrossBackends('Dropout', () => new Dropout(0.3), [4, 6], {
  beforeForward: (m) => (m as Dropout).rng.setState(seed),
});
