import { describe, expect, it } from 'vitest';
import {
  add,
  avgPool2d,
  avgPool2dBackward,
  axpby,
  batchNormBackward,
  batchNormEval,
  batchNormTrain,
  conv2d,
  conv2dBackwardData,
  conv2dBackwardFilter,
  copy,
  exp,
  fill,
  logSoftmax,
  logSoftmaxBackward,
  matmul,
  maxPool2d,
  maxPool2dBackward,
  mean,
  mul,
  normal,
  ones,
  Rng,
  relu,
  softmax,
  softmaxBackward,
  sqrt,
  sub,
  sum,
  type Tensor,
  tanh,
  threshold,
  thresholdBackward,
  uniform,
  withBackend,
  zeros,
} from '../../index.js';
import { bits, expectSameBits, useTwoThreads } from '../../testing/threads.js';

/**
 * Results must not depend on the number of threads: every kernel that is split into ranges
 * gives the same bits with 1 and with 2 threads, and so does a few steps of training.
 * FUNT_PARALLEL_MIN_NS=0 (vitest.config.ts) splits even these small calls.
 */

useTwoThreads();

describe('1 and 2 threads give bit-identical results', () => {
  const rng = () => new Rng(11);

  it('gemm, every transposition, alpha and beta', () => {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const jobs = expectSameBits(`matmul tA=${transA} tB=${transB}`, () => {
        const r = rng();
        const a = uniform(transA ? [37, 45] : [45, 37], r, -1, 1);
        const b = uniform(transB ? [29, 37] : [37, 29], r, -1, 1);
        const out = uniform([45, 29], r, -1, 1);
        return [matmul(a, b, { transA, transB }), matmul(a, b, { transA, transB, alpha: 0.7, beta: 0.3, out })];
      });
      expect(jobs).toBeGreaterThan(0);
    }
  });

  it('convolution forward, backward data and backward filter, strides 1 and 2', () => {
    for (const stride of [1, 2]) {
      const jobs = expectSameBits(`conv stride ${stride}`, () => {
        const r = rng();
        const x = uniform([5, 6, 13, 11], r, -1, 1);
        const w = uniform([7, 6, 3, 3], r, -1, 1);
        const b = uniform([7], r, -1, 1);
        const opts = { stride, padding: 1 };
        const y = conv2d(x, w, b, opts);
        const dx = conv2dBackwardData(y, w, x.shape, opts);
        const { dw, db } = conv2dBackwardFilter(x, y, w.shape, opts);
        const acc = conv2dBackwardFilter(x, y, w.shape, opts, {
          dw: uniform(w.shape, r, -1, 1),
          db: uniform([7], r, -1, 1),
          accumulate: true,
        });
        return [y, dx, dw, db, acc.dw, acc.db];
      });
      expect(jobs).toBeGreaterThan(0);
    }
  });

  it('Winograd convolutions (forward, backward data, filter gradient over several chunks)', () => {
    const jobs = expectSameBits('winograd', () => {
      const r = rng();
      const x = uniform([34, 8, 10, 9], r, -1, 1);
      const w = uniform([9, 8, 3, 3], r, -1, 1);
      const opts = { padding: 1 };
      const y = conv2d(x, w, null, opts);
      const dx = conv2dBackwardData(y, w, x.shape, opts);
      const { dw } = conv2dBackwardFilter(x, y, w.shape, opts, { db: null });
      return [y, dx, dw];
    });
    expect(jobs).toBeGreaterThan(0);
  });

  it('pooling (max and average, forward and backward)', () => {
    const jobs = expectSameBits('pooling', () => {
      const x = uniform([3, 5, 9, 10], rng(), -1, 1);
      const opts = { kernel: 3, stride: 2, padding: 1 };
      const ym = maxPool2d(x, opts);
      const ya = avgPool2d(x, opts);
      return [ym, ya, maxPool2dBackward(x, ym, opts), avgPool2dBackward(ya, x.shape, opts)];
    });
    expect(jobs).toBeGreaterThan(0);
  });

  it('batch norm (train, eval, backward in both modes)', () => {
    const jobs = expectSameBits('batch norm', () => {
      const r = rng();
      const x = uniform([6, 5, 7, 7], r, -1, 1);
      const gamma = uniform([5], r, 0.5, 1.5);
      const beta = uniform([5], r, -1, 1);
      const runningMean = zeros([5]);
      const runningVar = ones([5]);
      const { y, saveMean, saveInvStd } = batchNormTrain(x, gamma, beta, { runningMean, runningVar });
      const e = batchNormEval(x, gamma, beta, runningMean, runningVar);
      const g1 = batchNormBackward(x, y, gamma, saveMean, saveInvStd, true);
      const g2 = batchNormBackward(x, y, gamma, runningMean, saveInvStd, false);
      return [
        y,
        saveMean,
        saveInvStd,
        runningMean,
        runningVar,
        e,
        g1.dx,
        g1.dgamma,
        g1.dbeta,
        g2.dx,
        g2.dgamma,
        g2.dbeta,
      ];
    });
    expect(jobs).toBeGreaterThan(0);
  });

  it('softmax and log-softmax with their backward passes', () => {
    const jobs = expectSameBits('softmax', () => {
      const r = rng();
      const x = uniform([33, 10], r, -4, 4);
      const dy = uniform([33, 10], r, -1, 1);
      const s = softmax(x);
      const l = logSoftmax(x);
      return [s, l, softmaxBackward(s, dy), logSoftmaxBackward(l, dy)];
    });
    expect(jobs).toBeGreaterThan(0);
  });

  it('elementwise kernels, broadcasts and reductions', () => {
    const jobs = expectSameBits('elementwise', () => {
      const r = rng();
      const x = uniform([4, 6, 9, 7], r, -2, 2);
      const y = uniform([4, 6, 9, 7], r, -2, 2);
      const c = uniform([6, 1, 1], r, -1, 1);
      const row = uniform([7], r, -1, 1);
      const f = fill(zeros(x.shape), 0.25);
      const cp = copy(x, zeros(x.shape));
      const ax = axpby(0.5, x, -1.5, copy(y, zeros(y.shape)));
      return [
        f,
        cp,
        ax,
        relu(x),
        exp(x),
        tanh(x),
        sqrt(mul(x, x)),
        add(x, y),
        sub(x, 3),
        mul(2, x),
        add(x, c),
        sub(c, x),
        add(x, row),
        threshold(x, 0.1, -1),
        thresholdBackward(x, y, 0.1),
        sum(x, [0, 2, 3]),
        mean(x, [1]),
        sum(x),
      ];
    });
    expect(jobs).toBeGreaterThan(0);
  });

  it('three training steps of a small convolutional net', () => {
    const jobs = expectSameBits('training', () => train(3));
    expect(jobs).toBeGreaterThan(0);
    // The steps do move every parameter (else identical bits would prove little).
    const start = withBackend('wasm', () => bits(train(0)));
    const end = withBackend('wasm', () => bits(train(3)));
    start.forEach((b, i) => expect(Buffer.from(b).equals(Buffer.from(end[i])), `parameter ${i} unchanged`).toBe(false));
  });
});

/**
 * conv → batch norm → ReLU → conv (3×3 stride 1, 8 channels: the Winograd kernels) → max pool →
 * linear → log-softmax, NLL loss, plain SGD: returns the parameters after `steps` steps (every
 * op and its backward pass, written out by hand).
 */
function train(steps: number): Tensor[] {
  const r = new Rng(5);
  const N = 8;
  const x = normal([N, 3, 12, 12], r, 0, 1);
  const labels = Array.from({ length: N }, (_, i) => (i * 7) % 10);
  const w1 = normal([8, 3, 3, 3], r, 0, 0.3);
  const b1 = zeros([8]);
  const gamma = ones([8]);
  const beta = zeros([8]);
  const wc = normal([8, 8, 3, 3], r, 0, 0.2);
  const w2 = normal([8 * 6 * 6, 10], r, 0, 0.05);
  const lr = 0.1;
  const conv = { padding: 1 };
  const pool = { kernel: 2, stride: 2 };
  for (let s = 0; s < steps; s++) {
    const c = conv2d(x, w1, b1, conv);
    const bn = batchNormTrain(c, gamma, beta);
    const h = relu(bn.y);
    const a = conv2d(h, wc, null, conv);
    const p = maxPool2d(a, pool);
    const flat = p.reshape([N, 8 * 6 * 6]);
    const logits = matmul(flat, w2);
    const logp = logSoftmax(logits);
    // d(mean NLL)/d(logp) = −onehot / N
    const dlogp = zeros([N, 10]);
    labels.forEach((label, i) => (dlogp.data[i * 10 + label] = -1 / N));
    const dlogits = logSoftmaxBackward(logp, dlogp);
    const dw2 = matmul(flat, dlogits, { transA: true });
    const dflat = matmul(dlogits, w2, { transB: true });
    const da = maxPool2dBackward(a, dflat.reshape(p.shape), pool);
    const dwc = conv2dBackwardFilter(h, da, wc.shape, conv, { db: null }).dw;
    const dh = conv2dBackwardData(da, wc, h.shape, conv);
    const dbn = thresholdBackward(bn.y, dh, 0);
    const g = batchNormBackward(c, dbn, gamma, bn.saveMean, bn.saveInvStd, true);
    const { dw, db } = conv2dBackwardFilter(x, g.dx!, w1.shape, conv);
    for (const [param, grad] of [
      [w1, dw],
      [b1, db!],
      [gamma, g.dgamma!],
      [beta, g.dbeta!],
      [wc, dwc],
      [w2, dw2],
    ] as const) {
      axpby(-lr, grad, 1, param);
    }
  }
  return [w1, b1, gamma, beta, wc, w2];
}
