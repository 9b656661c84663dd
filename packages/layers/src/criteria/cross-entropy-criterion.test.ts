import { normal, Rng, type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { LogSoftMax } from '../activations/log-softmax.js';
import { checkCriterionGradients } from '../checking/gradcheck.js';
import { itCriterionAgreesAcrossBackends } from '../testing/backends.js';
import { ClassNLLCriterion } from './class-nll-criterion.js';
import { CrossEntropyCriterion } from './cross-entropy-criterion.js';

const f64 = <T>(fn: () => T): T => withBackend('reference', fn, 'float64');

describe('CrossEntropyCriterion', () => {
  it('equals LogSoftMax followed by ClassNLLCriterion, loss and gradient', () => {
    f64(() => {
      const x = normal([5, 7], new Rng(2), 0, 3);
      const t = Int32Array.from([0, 6, 3, 3, 1]);
      const ls = new LogSoftMax();
      const nll = new ClassNLLCriterion();
      const logp = ls.forward(x) as Tensor;
      const want = nll.forward(logp, t);
      const wantGrad = ls.backward(x, nll.backward(logp, t)) as Tensor;
      const ce = new CrossEntropyCriterion();
      expect(ce.forward(x, t)).toBeCloseTo(want, 13);
      const grad = ce.backward(x, t);
      for (let i = 0; i < grad.size; i++) expect(grad.data[i]).toBeCloseTo(wantGrad.data[i], 14);
    });
  });

  it('stays finite and exact for huge scores (max subtracted)', () => {
    const ce = new CrossEntropyCriterion();
    const x = tensor([
      [1e4, 0, -1e4],
      [0, 1e4, 1e4],
    ]);
    const loss = ce.forward(x, Int32Array.from([1, 2]));
    expect(loss).toBeCloseTo((1e4 + Math.log(2)) / 2, 2);
    const g = ce.backward(x, Int32Array.from([1, 2]));
    expect(Array.from(g.data).every(Number.isFinite)).toBe(true);
    expect(g.get(0, 0)).toBeCloseTo(0.5, 6);
    expect(g.get(0, 1)).toBeCloseTo(-0.5, 6);
    expect(g.get(1, 1)).toBeCloseTo(0.25, 6);
  });

  it('has a gradient that matches numerical differentiation, with and without weights', () => {
    f64(() => {
      const t = Int32Array.from([2, 0, 1]);
      for (const c of [
        new CrossEntropyCriterion(),
        new CrossEntropyCriterion([0.2, 1, 5]),
        new CrossEntropyCriterion(null, false),
      ]) {
        const r = checkCriterionGradients(c, [3, 3], t);
        expect(r.ok, r.toString()).toBe(true);
      }
      expect(checkCriterionGradients(new CrossEntropyCriterion(), [4], Int32Array.from([3])).ok).toBe(true);
    });
  });

  it('names itself in errors', () => {
    expect(() => new CrossEntropyCriterion().forward(tensor([[1, 2]]), Int32Array.from([2]))).toThrow(
      'CrossEntropyCriterion (root): target 0 is 2, not a class index in [0, 2)',
    );
  });
});

itCriterionAgreesAcrossBackends(
  'CrossEntropyCriterion',
  () => new CrossEntropyCriterion(),
  [6, 10],
  Int32Array.from([0, 9, 3, 3, 5, 1]),
);
