import { Rng, type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { constant } from '../init/initializers.js';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { BatchNormalization } from './batch-normalization.js';

const f64 = <T>(fn: () => T): T => withBackend('reference', fn, 'float64');

describe('BatchNormalization', () => {
  it('normalises with the biased batch variance and updates running stats with the unbiased one (momentum 0.1)', () => {
    f64(() => {
      const bn = new BatchNormalization(2);
      bn.weight!.data.set([2, 1]);
      bn.bias!.data.set([0.5, 0]);
      const cols = [
        [1, 2, 3, 6],
        [0, 0, 4, 4],
      ];
      const x = tensor([0, 1, 2, 3].map((i) => [cols[0][i], cols[1][i]]));
      const y = bn.forward(x) as Tensor;
      cols.forEach((c, k) => {
        const mean = c.reduce((a, b) => a + b) / 4;
        const ss = c.reduce((a, b) => a + (b - mean) ** 2, 0);
        const biased = ss / 4;
        const unbiased = ss / 3;
        c.forEach((v, i) => {
          const want = ((v - mean) / Math.sqrt(biased + 1e-5)) * [2, 1][k] + [0.5, 0][k];
          expect(y.get(i, k)).toBeCloseTo(want, 12);
        });
        expect(bn.runningMean.data[k]).toBeCloseTo(0.1 * mean, 12);
        expect(bn.runningVar.data[k]).toBeCloseTo(0.9 * 1 + 0.1 * unbiased, 12);
      });
    });
  });

  it('uses the running statistics in evaluation mode and leaves them alone', () => {
    f64(() => {
      const bn = new BatchNormalization(1, 1e-5, 0.1, false);
      bn.runningMean.data.set([3]);
      bn.runningVar.data.set([4]);
      bn.evaluate();
      const y = bn.forward(tensor([[5], [1]])) as Tensor;
      expect(y.get(0, 0)).toBeCloseTo(2 / Math.sqrt(4 + 1e-5), 12);
      expect(y.get(1, 0)).toBeCloseTo(-2 / Math.sqrt(4 + 1e-5), 12);
      expect(bn.runningMean.data[0]).toBe(3);
      expect(bn.runningVar.data[0]).toBe(4);
    });
  });

  it('starts as Torch: γ uniform in [0, 1), β = 0, running mean 0 and variance 1; normWeight overrides γ', () => {
    const bn = new BatchNormalization(50).reset({ rng: new Rng(3) });
    const w = Array.from(bn.weight!.data);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...w)).toBeLessThan(1);
    expect(new Set(w).size).toBeGreaterThan(40);
    expect(Array.from(bn.bias!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(bn.runningVar.data).every((v) => v === 1)).toBe(true);
    expect(Array.from(new BatchNormalization(3).reset({ normWeight: constant(1) }).weight!.data)).toEqual([1, 1, 1]);
  });

  it('has gradients that match numerical ones in training and evaluation, affine or not', () => {
    expectGradients(() => new BatchNormalization(3), [5, 3]);
    expectGradients(() => new BatchNormalization(3, 1e-3, 0.2, false), [4, 3]);
    expectGradients(() => {
      const bn = new BatchNormalization(3);
      bn.runningMean.data.set([0.1, -0.2, 0.3]);
      bn.runningVar.data.set([0.5, 2, 1.5]);
      return bn.evaluate();
    }, [4, 3]);
  });

  it('exposes running statistics as buffers, not parameters', () => {
    const bn = new BatchNormalization(4);
    expect(bn.parameters().map((p) => p.name)).toEqual(['weight', 'bias']);
    expect(bn.buffers().map((b) => b.name)).toEqual(['running_mean', 'running_var']);
    expect(new BatchNormalization(4, 1e-5, 0.1, false).parameters()).toEqual([]);
  });

  it('refuses one value per channel in training, and wrong shapes', () => {
    expect(() => new BatchNormalization(3).forward(zeros([1, 3]))).toThrow(
      'BatchNormalization (root): training needs more than one value per channel',
    );
    expect(() => new BatchNormalization(3).evaluate().forward(zeros([1, 3]))).not.toThrow();
    expect(() => new BatchNormalization(3).forward(zeros([4, 2]))).toThrow('expected input [N, 3], received [4, 2]');
    expect(() => new BatchNormalization(3, 0)).toThrow('eps must be positive');
  });
});

itAgreesAcrossBackends('BatchNormalization', () => new BatchNormalization(6), [8, 6]);
