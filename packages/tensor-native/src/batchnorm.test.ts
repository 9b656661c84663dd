import { describe, expect, it } from 'vitest';
import { setThreads } from '../../tensor/src/backends/wasm/threads/settings.js';
import { backendByName } from '../../tensor/src/engine.js';
import { Rng } from '../../tensor/src/random.js';
import { Tensor } from '../../tensor/src/tensor.js';
import { bits } from '../../tensor/src/testing/threads.js';
import {
  clonePair,
  expectAgree,
  filledPair,
  wasm as native,
  randomPair,
  reference,
} from '../../tensor/src/testing/wasm-vs-reference.js';
import { skipReason } from './testing/tensor-sources.js';

/**
 * The native batch norm beyond @funt/tensor's batch norm suites (which vitest.config.ts runs on
 * it, small shapes): rows longer than a summing block with a tail, a large mean, NaN and
 * infinities, and bits that do not depend on the thread count.
 */

type Pair = [Tensor, Tensor];

/** Every batch norm pass on the native backend and the reference, compared; returns the native outputs. */
function checkAll(shape: number[], x: Pair, dy: Pair, seed: number, what: string): Tensor[] {
  const C = shape[1];
  const M = x[0].size / C;
  const rng = new Rng(seed);
  const [gw, gr] = randomPair([C], rng, 0.5, 1.5);
  const [bw, br] = randomPair([C], rng);
  const [rmw, rmr] = clonePair(randomPair([C], rng));
  const [rvw, rvr] = clonePair(randomPair([C], rng, 0.5, 2));
  const outputs: Tensor[] = [];
  for (const relu of [false, true]) {
    const [yw, yr] = filledPair(shape, NaN);
    const [mw, mr] = filledPair([C], NaN);
    const [sw, sr] = filledPair([C], NaN);
    native().batchNormTrain(x[0], gw, bw, yw, mw, sw, rmw, rvw, 0.1, 1e-5, relu);
    reference().batchNormTrain(x[1], gr, br, yr, mr, sr, rmr, rvr, 0.1, 1e-5, relu);
    expectAgree(mw, mr, M, `${what}: saveMean`);
    // The variance is a sum of squared deviations in double: as accurate as one rounding.
    expectAgree(sw, sr, 1, `${what}: saveInvStd`);
    expectAgree(yw, yr, M, `${what}: batchNormTrain y, relu ${relu}`);
    expectAgree(rmw, rmr, M, `${what}: runningMean`);
    expectAgree(rvw, rvr, M, `${what}: runningVar`);
    // Apply and backward with the reference's statistics on both: with a mean far from 0 the two
    // backends' means may differ by an ulp, which the normalisation magnifies.
    const [mean, invStd] = [clonePair([mr, mr])[0], clonePair([sr, sr])[0]];
    const [aw, ar] = filledPair(shape, NaN);
    native().batchNormApply(x[0], gw, bw, mean, invStd, aw, relu);
    reference().batchNormApply(x[1], gr, br, mr, sr, ar, relu);
    expectAgree(aw, ar, 1, `${what}: batchNormApply, relu ${relu}`);
    outputs.push(yw, mw, sw, rmw, rvw, aw);
    for (const training of [true, false]) {
      const [dxw, dxr] = filledPair(shape, NaN);
      const [dgw, dgr] = clonePair(randomPair([C], rng));
      const [dbw, dbr] = clonePair(randomPair([C], rng));
      const rectified = relu ? [yw, yr] : [null, null];
      native().batchNormBackward(x[0], dy[0], gw, mean, invStd, dxw, dgw, dbw, training, rectified[0]);
      reference().batchNormBackward(x[1], dy[1], gr, mr, sr, dxr, dgr, dbr, training, rectified[1]);
      const mode = `training ${training}, relu ${relu}`;
      expectAgree(dxw, dxr, training ? M : 1, `${what}: batchNormBackward dx, ${mode}`);
      expectAgree(dgw, dgr, M, `${what}: dgamma, ${mode}`);
      expectAgree(dbw, dbr, M, `${what}: dbeta, ${mode}`);
      outputs.push(dxw, dgw, dbw);
    }
  }
  return outputs;
}

describe.skipIf(skipReason !== null)('native batch norm', () => {
  it('replaces the wasm kernels', () => {
    const wasm = backendByName('wasm');
    expect(native().name).toBe('native');
    expect(native().batchNormTrain).not.toBe(wasm.batchNormTrain);
    expect(native().batchNormBackward).not.toBe(wasm.batchNormBackward);
  });

  it('matches the reference on long rows with tails, [N, C] and [N, C, L], units of rows, and a large mean', () => {
    const cases: [number[], number, number][] = [
      [[3, 4, 23, 29], -1, 1], // rows of 667: two summing blocks and a tail of 3
      [[2, 3, 1030], 1000, 1000.01], // a mean far from 0 with a tiny spread: the variance must not cancel
      [[37, 5], -2, 3], // rows of one element
      [[4, 2, 8, 8], -1, 1], // rows of whole vectors
      [[13, 2, 23, 29], -1, 1], // units of 6 rows (4,096 floats at most), the last of 1
      [[131, 2, 8, 8], 5, 6], // units of 64 rows, 4 to a summing block, the last unit of 3
    ];
    cases.forEach(([shape, lo, hi], i) => {
      const rng = new Rng(40 + i);
      checkAll(shape, randomPair(shape, rng, lo, hi), randomPair(shape, rng), 50 + i, `[${shape}]`);
    });
  });

  it('puts NaN and infinities where the reference does', () => {
    const shape = [3, 4, 5, 7];
    const rng = new Rng(60);
    const x = randomPair(shape, rng, -2, 2);
    const dy = randomPair(shape, rng);
    const plane = 35;
    // A NaN in channel 1 and +Infinity in channel 2 of x; NaN and -Infinity in dy's channel 3.
    for (const [t, i, v] of [
      [x, plane + 3, NaN],
      [x, 2 * plane + 4 * plane + 9, Infinity],
      [dy, 3 * plane + 11, NaN],
      [dy, 4 * plane + 3 * plane + 2, -Infinity],
    ] as const) {
      t[0].data[i] = v;
      t[1].data[i] = v;
    }
    const outputs = checkAll(shape, x, dy, 61, 'with NaN and ±Infinity');
    // The non-finite channels stay in their channels: channel 0's outputs are all finite.
    const y = outputs[0];
    for (let n = 0; n < 3; n++) {
      for (let s = 0; s < plane; s++) expect(Number.isFinite(y.data[n * 4 * plane + s])).toBe(true);
    }
  });

  it('gives the same bits with 1 and 2 threads', () => {
    const run = () => {
      const shape = [5, 6, 9, 11];
      const rng = new Rng(70);
      return bits(checkAll(shape, randomPair(shape, rng, -1, 2), randomPair(shape, rng), 71, 'threads'));
    };
    setThreads(1);
    const one = run();
    setThreads(2);
    const two = run();
    expect(two.length).toBe(one.length);
    one.forEach((b, i) => expect(Buffer.from(two[i]).equals(Buffer.from(b)), `output ${i}`).toBe(true));
  });

  it('hands float64 operands to the wasm backend', () => {
    const shape = [2, 3, 4];
    const rng = new Rng(80);
    const x = Tensor.empty(shape, 'float64', reference());
    rng.fillUniform(x.data, -1, 1);
    const y = Tensor.empty(shape, 'float64', reference());
    const [mean, invStd] = [Tensor.empty([3], 'float64', reference()), Tensor.empty([3], 'float64', reference())];
    native().batchNormTrain(x, null, null, y, mean, invStd, null, null, 0.1, 1e-5);
    const [y32, yr] = filledPair(shape, NaN);
    const [m32, mr] = filledPair([3], NaN);
    const [s32, sr] = filledPair([3], NaN);
    const xr = Tensor.empty(shape, 'float32', reference());
    xr.data.set(x.data);
    reference().batchNormTrain(xr, null, null, yr, mr, sr, null, null, 0.1, 1e-5);
    y32.data.set(y.data);
    m32.data.set(mean.data);
    s32.data.set(invStd.data);
    expectAgree(y32, yr, 8, 'batchNormTrain of float64 operands');
    expectAgree(m32, mr, 8, 'saveMean of float64 operands');
  });
});
