import { normal, Rng, type Tensor, tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { LogSoftMax } from '../activations/log-softmax.js';
import { checkCriterionGradients } from '../checking/gradcheck.js';
import { LayerError } from '../module/errors.js';
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

/**
 * PyTorch's CrossEntropyLoss(weight, reduction, label_smoothing=ε) on raw scores x [N, C], in
 * float64 (ATen's cross_entropy_loss_label_smoothing): (1 − ε)·nll + (ε/C)·smooth, where
 * smooth = Σᵢ Σ_c w[c]·(−logp[i, c]), both divided by Σᵢ w[tᵢ] for 'mean' (by N without weights).
 */
function pytorchCrossEntropy(
  x: number[][],
  t: Int32Array,
  eps: number,
  weight: number[] | null,
  reduction: 'mean' | 'sum',
): number {
  const c = x[0].length;
  const w = (k: number) => (weight ? weight[k] : 1);
  let nll = 0;
  let smooth = 0;
  let norm = 0;
  x.forEach((row, i) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    const logp = row.map((v) => v - lse);
    nll -= w(t[i]) * logp[t[i]];
    for (let k = 0; k < c; k++) smooth -= w(k) * logp[k];
    norm += w(t[i]);
  });
  const d = reduction === 'mean' ? norm : 1;
  return (1 - eps) * (nll / d) + (eps / c) * (smooth / d);
}

const rows = (t: Tensor): number[][] => t.toArray() as number[][];

describe('label smoothing (labelSmoothing ε)', () => {
  const t = Int32Array.from([2, 0, 4, 4, 1, 3]);
  const configs: [number, number[] | null, boolean][] = [
    [0.1, null, true],
    [0.25, [0.5, 2, 1, 3, 0.25], true],
    [0.1, [0.5, 2, 1, 3, 0.25], false],
    [1, null, true],
    [0, [1, 2, 3, 4, 5], true],
  ];

  for (const [eps, weight, sizeAverage] of configs) {
    it(`forward equals PyTorch's value: ε ${eps}, ${weight ? 'weights' : 'no weights'}, ${sizeAverage ? 'mean' : 'sum'}`, () =>
      f64(() => {
        const x = normal([6, 5], new Rng(3), 0, 2);
        const want = pytorchCrossEntropy(rows(x), t, eps, weight, sizeAverage ? 'mean' : 'sum');
        const ce = new CrossEntropyCriterion(weight, sizeAverage, eps);
        expect(ce.forward(x, t)).toBeCloseTo(want, 13);
        // ClassNLLCriterion on log-probabilities (a LogSoftMax before it) is the same loss.
        const logp = new LogSoftMax().forward(x) as Tensor;
        expect(new ClassNLLCriterion(weight, sizeAverage, eps).forward(logp, t)).toBeCloseTo(want, 13);
      }));
  }

  it('is the cross-entropy with the target (1 − ε)·one-hot + ε/C, whose gradient is (p − q)/N', () =>
    f64(() => {
      const x = normal([6, 5], new Rng(4), 0, 2);
      const eps = 0.2;
      const p = rows(x).map((row) => {
        const e = row.map(Math.exp);
        const z = e.reduce((a, v) => a + v, 0);
        return e.map((v) => v / z);
      });
      const q = (i: number, k: number) => (k === t[i] ? 1 - eps : 0) + eps / 5;
      const want = -p.reduce((a, row, i) => a + row.reduce((b, pk, k) => b + q(i, k) * Math.log(pk), 0), 0) / 6;
      const ce = new CrossEntropyCriterion(null, true, eps);
      expect(ce.forward(x, t)).toBeCloseTo(want, 13);
      const g = rows(ce.backward(x, t));
      g.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo((p[i][k] - q(i, k)) / 6, 14)));
    }));

  it('has gradients that match numerical differentiation (float64), both criteria', () =>
    f64(() => {
      for (const [eps, weight, sizeAverage] of configs) {
        for (const criterion of [
          new CrossEntropyCriterion(weight, sizeAverage, eps),
          new ClassNLLCriterion(weight, sizeAverage, eps),
        ]) {
          const r = checkCriterionGradients(criterion, [6, 5], t);
          expect(r.ok, `${criterion} ε ${eps}: ${r}`).toBe(true);
        }
      }
    }));

  it('the fused gradient equals LogSoftMax then ClassNLLCriterion with the same ε', () =>
    f64(() => {
      const x = normal([6, 5], new Rng(5), 0, 2);
      const weight = [0.5, 2, 1, 3, 0.25];
      const ls = new LogSoftMax();
      const nll = new ClassNLLCriterion(weight, true, 0.3);
      const logp = ls.forward(x) as Tensor;
      nll.forward(logp, t);
      const want = ls.backward(x, nll.backward(logp, t)) as Tensor;
      const got = new CrossEntropyCriterion(weight, true, 0.3).backward(x, t);
      for (let i = 0; i < got.size; i++) expect(got.data[i]).toBeCloseTo(want.data[i], 14);
    }));

  it('names a bad ε', () => {
    for (const eps of [-0.1, 1.5, Number.NaN]) {
      expect(() => new CrossEntropyCriterion(null, true, eps)).toThrow(LayerError);
      expect(() => new ClassNLLCriterion(null, true, eps)).toThrow(
        `ClassNLLCriterion (root): labelSmoothing must be in [0, 1], got ${eps}`,
      );
    }
  });
});

itCriterionAgreesAcrossBackends(
  'CrossEntropyCriterion with label smoothing and weights',
  () => new CrossEntropyCriterion([0.5, 2, 1, 3, 0.25, 1, 1, 1, 1, 2], true, 0.1),
  [6, 10],
  Int32Array.from([0, 9, 3, 3, 5, 1]),
);
