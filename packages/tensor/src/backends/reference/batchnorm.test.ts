import { beforeAll, describe, expect, test } from 'vitest';
import { full, tensor, zeros } from '../../creation.js';
import { numericalGradient } from '../../numerical-gradient.js';
import {
  batchNormApply,
  batchNormBackward,
  batchNormEval,
  batchNormInvStd,
  batchNormTrain,
} from '../../ops/batchnorm.js';
import type { Tensor } from '../../tensor.js';
import { dot, expectClose, randn, useReference } from '../../testing/reference.js';

beforeAll(() => useReference('float64'));

/** Per-channel mean and biased variance by the textbook formula, visiting x by index. */
function channelStats(x: Tensor): { mean: number[]; variance: number[]; count: number } {
  const [N, C] = x.shape;
  const S = x.size / (N * C);
  const mean: number[] = [];
  const variance: number[] = [];
  for (let c = 0; c < C; c++) {
    const values: number[] = [];
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) values.push(x.data[(n * C + c) * S + s]);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean.push(m);
    variance.push(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
  }
  return { mean, variance, count: N * S };
}

describe('reference batch norm forward', () => {
  for (const shape of [
    [6, 3],
    [2, 3, 4, 5],
  ]) {
    test(`matches (x − mean) / sqrt(var + eps) · gamma + beta for ${JSON.stringify(shape)}`, () => {
      const x = randn(shape, 1);
      // Shift channels far from zero so that a one-pass variance would lose digits.
      for (let i = 0; i < x.size; i++) x.data[i] = x.data[i] * 3 + 1000;
      const gamma = tensor([0.5, 2, -1]);
      const beta = tensor([0.1, 0, -3]);
      const eps = 1e-5;
      const { y, saveMean, saveInvStd } = batchNormTrain(x, gamma, beta, { eps });
      const { mean, variance } = channelStats(x);
      expectClose(saveMean.data, mean, 1e-14);
      expectClose(
        saveInvStd.data,
        variance.map((v) => 1 / Math.sqrt(v + eps)),
        1e-12,
      );
      const S = x.size / (shape[0] * 3);
      const expected = Array.from(x.data, (v, i) => {
        const c = Math.floor(i / S) % 3;
        return ((v - mean[c]) / Math.sqrt(variance[c] + eps)) * gamma.data[c] + beta.data[c];
      });
      expectClose(y.data, expected, 1e-10);
    });
  }

  test('running statistics use Torch momentum and the unbiased variance', () => {
    // Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1 all 7.
    const x = tensor([
      [1, 7],
      [2, 7],
      [3, 7],
      [4, 7],
    ]);
    const runningMean = tensor([10, 0]);
    const runningVar = tensor([1, 1]);
    batchNormTrain(x, null, null, { runningMean, runningVar, momentum: 0.1 });
    // running = 0.9 · running + 0.1 · batch
    expectClose(runningMean.data, [0.9 * 10 + 0.1 * 2.5, 0.1 * 7], 1e-15);
    expectClose(runningVar.data, [0.9 + 0.1 * (5 / 3), 0.9], 1e-15);
  });

  test('eval mode normalises with the running statistics; null gamma/beta mean 1/0', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = batchNormEval(x, null, null, tensor([1, 2]), tensor([4, 1]), 0);
    // (x − runningMean) / sqrt(runningVar): column 0 / 2, column 1 / 1
    expect(y.toArray()).toEqual([
      [0, 0],
      [1, 2],
    ]);
  });

  test('batchNormInvStd + batchNormApply (a layer keeping invStd) give batchNormEval bit for bit', () => {
    const x = randn([3, 4, 2, 2], 11);
    const gamma = randn([4], 12);
    const beta = randn([4], 13);
    const mean = randn([4], 14);
    const variance = full([4], 0.7);
    const invStd = batchNormInvStd(variance, 1e-5, zeros([4]));
    expectClose(
      invStd.data,
      Array.from({ length: 4 }, () => 1 / Math.sqrt(0.7 + 1e-5)),
      1e-15,
    );
    for (const relu of [false, true]) {
      const expected = batchNormEval(x, gamma, beta, mean, variance, 1e-5, undefined, relu);
      expect(Array.from(batchNormApply(x, gamma, beta, mean, invStd, undefined, relu).data)).toEqual(
        Array.from(expected.data),
      );
    }
  });
});

describe('reference batch norm backward vs numerical gradients (float64)', () => {
  for (const shape of [
    [5, 3],
    [2, 3, 3, 2],
  ]) {
    test(`training mode, ${JSON.stringify(shape)}`, () => {
      const x = randn(shape, 2);
      const gamma = randn([3], 3);
      const beta = randn([3], 4);
      const dy = randn(shape, 5);
      const loss = () => dot(batchNormTrain(x, gamma, beta).y, dy);
      const { saveMean, saveInvStd } = batchNormTrain(x, gamma, beta);
      const g = batchNormBackward(x, dy, gamma, saveMean, saveInvStd, true);
      expectClose(g.dx!.data, numericalGradient(loss, x), 1e-7);
      expectClose(g.dgamma!.data, numericalGradient(loss, gamma), 1e-7);
      expectClose(g.dbeta!.data, numericalGradient(loss, beta), 1e-7);
    });

    test(`eval mode, ${JSON.stringify(shape)}`, () => {
      const x = randn(shape, 6);
      const gamma = randn([3], 7);
      const beta = randn([3], 8);
      const runningMean = randn([3], 9);
      const runningVar = full([3], 0.7);
      const dy = randn(shape, 10);
      const eps = 1e-5;
      const loss = () => dot(batchNormEval(x, gamma, beta, runningMean, runningVar, eps), dy);
      const invStd = tensor(Array.from(runningVar.data, (v) => 1 / Math.sqrt(v + eps)));
      const g = batchNormBackward(x, dy, gamma, runningMean, invStd, false);
      expectClose(g.dx!.data, numericalGradient(loss, x), 1e-7);
      expectClose(g.dgamma!.data, numericalGradient(loss, gamma), 1e-7);
      expectClose(g.dbeta!.data, numericalGradient(loss, beta), 1e-7);
    });
  }

  for (const training of [true, false]) {
    test(`fused batch norm + ReLU, ${training ? 'training' : 'eval'} mode: the backward with the rectified output`, () => {
      const shape = [3, 3, 2, 2];
      const x = randn(shape, 13);
      const gamma = randn([3], 14);
      const beta = randn([3], 15);
      const runningMean = randn([3], 16);
      const runningVar = full([3], 0.7);
      const dy = randn(shape, 17);
      const eps = 1e-5;
      const forward = () =>
        training
          ? batchNormTrain(x, gamma, beta, { relu: true }).y
          : batchNormEval(x, gamma, beta, runningMean, runningVar, eps, undefined, true);
      const loss = () => dot(forward(), dy);
      const y = forward();
      // Half the outputs are rectified (so the mask matters), none within reach of the step.
      const zeroed = Array.from(y.data).filter((v) => v === 0).length;
      expect(zeroed).toBeGreaterThan(y.size / 4);
      const { saveMean, saveInvStd } = batchNormTrain(x, gamma, beta);
      const invStd = tensor(Array.from(runningVar.data, (v) => 1 / Math.sqrt(v + eps)));
      const [mean, scale] = training ? [saveMean, saveInvStd] : [runningMean, invStd];
      const g = batchNormBackward(x, dy, gamma, mean, scale, training, {}, y);
      expectClose(g.dx!.data, numericalGradient(loss, x), 1e-7);
      expectClose(g.dgamma!.data, numericalGradient(loss, gamma), 1e-7);
      expectClose(g.dbeta!.data, numericalGradient(loss, beta), 1e-7);
    });
  }

  test('dgamma and dbeta accumulate; dx is overwritten; null skips a gradient', () => {
    const x = randn([4, 2], 11);
    const dy = randn([4, 2], 12);
    const { saveMean, saveInvStd } = batchNormTrain(x, null, null);
    const once = batchNormBackward(x, dy, null, saveMean, saveInvStd, true);
    const dgamma = zeros([2]);
    const dbeta = zeros([2]);
    const dx = full([4, 2], 123);
    batchNormBackward(x, dy, null, saveMean, saveInvStd, true, { dx, dgamma, dbeta });
    batchNormBackward(x, dy, null, saveMean, saveInvStd, true, { dx, dgamma, dbeta });
    expectClose(dx.data, once.dx!.data, 0);
    expectClose(
      dgamma.data,
      Array.from(once.dgamma!.data, (v) => 2 * v),
      1e-15,
    );
    expectClose(
      dbeta.data,
      Array.from(once.dbeta!.data, (v) => 2 * v),
      1e-15,
    );
    const none = batchNormBackward(x, dy, null, saveMean, saveInvStd, true, { dgamma: null, dbeta: null });
    expect(none.dgamma).toBeNull();
    expect(none.dbeta).toBeNull();
    expectClose(none.dx!.data, once.dx!.data, 0);
  });
});
