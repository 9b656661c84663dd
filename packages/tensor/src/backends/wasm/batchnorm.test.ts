import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Rng } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import {
  clonePair,
  expectAgree,
  filledPair,
  RUNS,
  randomPair,
  reference,
  wasm,
} from '../../testing/wasm-vs-reference.js';

/** [N, C], [N, C, L] or [N, C, H, W], with or without affine parameters and running statistics. */
const setup = fc.record({
  N: fc.integer({ min: 1, max: 5 }),
  C: fc.integer({ min: 1, max: 6 }),
  spatial: fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 2 }),
  affine: fc.boolean(),
  running: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

type Pair = [Tensor, Tensor];
const none: [null, null] = [null, null];

describe('wasm batch norm', () => {
  it('training forward (batch statistics, running update) and eval apply match the reference', () => {
    fc.assert(
      fc.property(setup, ({ N, C, spatial, affine, running, seed }) => {
        const shape = [N, C, ...spatial];
        const rng = new Rng(seed);
        const [xw, xr] = randomPair(shape, rng, -2, 3); // a non-zero mean
        const [gw, gr]: Pair | [null, null] = affine ? randomPair([C], rng) : none;
        const [bw, br]: Pair | [null, null] = affine ? randomPair([C], rng) : none;
        const [rmw, rmr]: Pair | [null, null] = running ? clonePair(randomPair([C], rng)) : none;
        const [rvw, rvr]: Pair | [null, null] = running ? clonePair(randomPair([C], rng, 0.5, 2)) : none;
        const [yw, yr] = filledPair(shape, NaN);
        const [mw, mr] = filledPair([C], NaN);
        const [sw, sr] = filledPair([C], NaN);
        wasm().batchNormTrain(xw, gw, bw, yw, mw, sw, rmw, rvw, 0.1, 1e-5);
        reference().batchNormTrain(xr, gr, br, yr, mr, sr, rmr, rvr, 0.1, 1e-5);
        const M = xw.size / C;
        expectAgree(mw, mr, M, 'batchNormTrain saveMean');
        expectAgree(sw, sr, M, 'batchNormTrain saveInvStd');
        expectAgree(yw, yr, M, `batchNormTrain y [${shape}]`);
        if (rmw && rmr && rvw && rvr) {
          expectAgree(rmw, rmr, M, 'runningMean');
          expectAgree(rvw, rvr, M, 'runningVar');
        }
        const [aw, ar] = filledPair(shape, NaN);
        wasm().batchNormApply(xw, gw, bw, mw, sw, aw);
        reference().batchNormApply(xr, gr, br, mr, sr, ar);
        expectAgree(aw, ar, 1, `batchNormApply [${shape}]`);
      }),
      RUNS,
    );
  });

  it('backward in training and eval mode (dx, accumulated dgamma and dbeta) matches the reference', () => {
    fc.assert(
      fc.property(setup, fc.boolean(), fc.boolean(), ({ N, C, spatial, affine, seed }, training, withDx) => {
        const shape = [N, C, ...spatial];
        const rng = new Rng(seed);
        const [xw, xr] = randomPair(shape, rng, -2, 3);
        const [dyw, dyr] = randomPair(shape, rng);
        const [gw, gr]: Pair | [null, null] = affine ? randomPair([C], rng) : none;
        const [mw, mr] = randomPair([C], rng, -0.5, 1.5);
        const [sw, sr] = randomPair([C], rng, 0.5, 2);
        const [dxw, dxr]: Pair | [null, null] = withDx ? filledPair(shape, NaN) : none;
        const [dgw, dgr]: Pair | [null, null] = affine ? clonePair(randomPair([C], rng)) : none;
        const [dbw, dbr]: Pair | [null, null] = affine ? clonePair(randomPair([C], rng)) : none;
        wasm().batchNormBackward(xw, dyw, gw, mw, sw, dxw, dgw, dbw, training);
        reference().batchNormBackward(xr, dyr, gr, mr, sr, dxr, dgr, dbr, training);
        const M = xw.size / C;
        if (dxw && dxr) {
          // In training mode dx = k·(dy − Σdy/M − xhat·Σ(dy·xhat)/M) can cancel (M = 1 makes the
          // first two terms equal), so its error is measured against the size of those terms.
          const S = xw.size / (N * C);
          const terms = new Float64Array(xr.size);
          for (let c = 0; c < C; c++) {
            const k = Math.abs((gr ? gr.data[c] : 1) * sr.data[c]);
            let sumDy = 0;
            let sumDyXhat = 0;
            for (let n = 0; n < N; n++) {
              for (let i = (n * C + c) * S; i < (n * C + c + 1) * S; i++) {
                sumDy += Math.abs(dyr.data[i]);
                sumDyXhat += Math.abs(dyr.data[i] * (xr.data[i] - mr.data[c]) * sr.data[c]);
              }
            }
            for (let n = 0; n < N; n++) {
              for (let i = (n * C + c) * S; i < (n * C + c + 1) * S; i++) {
                const xhat = Math.abs((xr.data[i] - mr.data[c]) * sr.data[c]);
                terms[i] = k * (Math.abs(dyr.data[i]) + (training ? (sumDy + xhat * sumDyXhat) / M : 0));
              }
            }
          }
          let scale = 0;
          for (let i = 0; i < terms.length; i++)
            scale = Math.max(scale, Math.abs(dxr.data[i]), terms[i] / Math.sqrt(M));
          expectAgree(dxw, dxr, M, `batchNormBackward dx [${shape}] training=${training}`, scale);
        }
        if (dgw && dgr && dbw && dbr) {
          expectAgree(dgw, dgr, M, 'batchNormBackward dgamma');
          expectAgree(dbw, dbr, M, 'batchNormBackward dbeta');
        }
      }),
      RUNS,
    );
  });

  it('matches the reference on a ResNet-sized batch (128 × 16 × 32 × 32)', () => {
    const shape = [128, 16, 32, 32];
    const rng = new Rng(3);
    const [xw, xr] = randomPair(shape, rng, 1, 2);
    const [yw, yr] = filledPair(shape, NaN);
    const [mw, mr] = filledPair([16], NaN);
    const [sw, sr] = filledPair([16], NaN);
    wasm().batchNormTrain(xw, null, null, yw, mw, sw, null, null, 0.1, 1e-5);
    reference().batchNormTrain(xr, null, null, yr, mr, sr, null, null, 0.1, 1e-5);
    expectAgree(yw, yr, 128 * 1024, 'batchNormTrain y');
    const [dyw, dyr] = randomPair(shape, rng);
    const [dxw, dxr] = filledPair(shape, NaN);
    wasm().batchNormBackward(xw, dyw, null, mw, sw, dxw, null, null, true);
    reference().batchNormBackward(xr, dyr, null, mr, sr, dxr, null, null, true);
    expectAgree(dxw, dxr, 128 * 1024, 'batchNormBackward dx');
  });
});
