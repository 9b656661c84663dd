import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../backend.js';
import {
  add,
  addRelu,
  batchNormBackward,
  batchNormEval,
  batchNormTrain,
  ones,
  Rng,
  type Tensor,
  threshold,
  thresholdBackward,
  uniform,
  withBackend,
  zeros,
} from '../../index.js';
import { expectSameBits, useTwoThreads } from '../../testing/threads.js';
import {
  clonePair,
  expectAgree,
  filledPair,
  RUNS,
  randomPair,
  reference,
  wasm,
} from '../../testing/wasm-vs-reference.js';

/**
 * The fused ReLU kernels (batch norm + ReLU forward and backward, add + ReLU):
 * - on each backend they give the same bits as the unfused sequence (batch norm, then
 *   threshold(y, 0, 0); thresholdBackward(y, dy, 0), then the batch norm backward; add, then
 *   threshold), NaN and signed zeros included: a fused network trains exactly like the unfused;
 * - wasm matches the reference within the accuracy contract (src/testing/wasm-vs-reference.ts);
 * - 1 and 2 threads give the same bits.
 * The float64 gradient checks are in reference/batchnorm.test.ts and reference/elementwise.test.ts.
 */

type Pair = [Tensor, Tensor];
const none: [null, null] = [null, null];

function sameBits(a: Tensor, b: Tensor, what: string): void {
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  const i = x.findIndex((v, k) => v !== y[k]);
  const e = i >> 2;
  expect(i, `${what}: element ${e} differs (${a.data[e]} vs ${b.data[e]})`).toBe(-1);
}

function filled(b: Backend, shape: readonly number[], value: number): Tensor {
  const t = withBackend(b.name, () => zeros(shape));
  t.data.fill(value);
  return t;
}

/**
 * The scales of the fused backward's outputs under the accuracy contract (src/testing/wasm-vs-reference.ts): the
 * larger of the result and Σ|terms|/√M per channel, the terms taken from the reference with dy
 * masked by y. dx = k·(g − Σg/M − xhat·Σ(g·xhat)/M) cancels like the unfused one's.
 */
function backwardScales(
  x: Tensor,
  dy: Tensor,
  y: Tensor,
  gamma: Tensor | null,
  mean: Tensor,
  invStd: Tensor,
  training: boolean,
) {
  const [N, C] = x.shape;
  const S = x.size / (N * C);
  const M = N * S;
  const root = Math.sqrt(M);
  let dx = 0;
  let dgamma = 0;
  let dbeta = 0;
  for (let c = 0; c < C; c++) {
    const k = Math.abs((gamma ? gamma.data[c] : 1) * invStd.data[c]);
    let sumG = 0;
    let sumGXhat = 0;
    let maxXhat = 0;
    let maxG = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S; i < (n * C + c + 1) * S; i++) {
        const g = y.data[i] > 0 ? Math.abs(dy.data[i]) : 0;
        const xhat = Math.abs((x.data[i] - mean.data[c]) * invStd.data[c]);
        sumG += g;
        sumGXhat += g * xhat;
        maxXhat = Math.max(maxXhat, xhat);
        maxG = Math.max(maxG, g);
      }
    }
    dx = Math.max(dx, (k * (maxG + (training ? (sumG + maxXhat * sumGXhat) / M : 0))) / root);
    dgamma = Math.max(dgamma, sumGXhat / root);
    dbeta = Math.max(dbeta, sumG / root);
  }
  return { dx, dgamma, dbeta };
}

/** max |t| over finite entries. */
function largest(t: Tensor): number {
  let m = 0;
  for (const v of t.data) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

/** Random values with zeros of both signs and NaN mixed in (every 7th element). */
function withSpecials(t: Tensor, rng: Rng): Tensor {
  const specials = [0, -0, NaN];
  for (let i = 3; i < t.size; i += 7) t.data[i] = specials[rng.int(specials.length)];
  return t;
}

const setup = fc.record({
  N: fc.integer({ min: 1, max: 4 }),
  C: fc.integer({ min: 1, max: 5 }),
  spatial: fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 2 }),
  affine: fc.boolean(),
  training: fc.boolean(),
  nan: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

/**
 * Batch norm forward and backward, fused and unfused, on one backend: returns every output of
 * both so that they can be compared bit for bit. `nan` puts NaN and ±0 into x and dy.
 */
function both(b: Backend, x: Tensor, dy: Tensor, gamma: Tensor | null, beta: Tensor | null, training: boolean) {
  const C = x.shape[1];
  const make = (value = NaN) => filled(b, x.shape, value);
  const vec = (value = NaN) => filled(b, [C], value);
  const run = (fused: boolean) => {
    const y = make();
    const mean = vec();
    const invStd = vec();
    if (training) b.batchNormTrain(x, gamma, beta, y, mean, invStd, null, null, 0.1, 1e-5, fused);
    else {
      for (let c = 0; c < C; c++) {
        mean.data[c] = 0.3 * c - 0.2;
        invStd.data[c] = 0.5 + c / 4;
      }
      b.batchNormApply(x, gamma, beta, mean, invStd, y, fused);
    }
    if (!fused) b.threshold(y, 0, 0, y);
    const g = make();
    if (!fused) b.thresholdBackward(y, dy, 0, g);
    const dx = make();
    const dgamma = gamma ? vec(0.25) : null;
    const dbeta = beta ? vec(-0.5) : null;
    b.batchNormBackward(x, fused ? dy : g, gamma, mean, invStd, dx, dgamma, dbeta, training, fused ? y : null);
    return { y, dx, dgamma, dbeta };
  };
  return { unfused: run(false), fused: run(true) };
}

describe('fused batch norm + ReLU', () => {
  it('gives the same bits as batch norm then ReLU (forward and backward, train and eval, NaN) on both backends', () => {
    fc.assert(
      fc.property(setup, ({ N, C, spatial, affine, training, nan, seed }) => {
        const shape = [N, C, ...spatial];
        if (training && N * shape.slice(2).reduce((a, b) => a * b, 1) < 2) return;
        const rng = new Rng(seed);
        const [xw, xr] = randomPair(shape, rng, -2, 3);
        const [dyw, dyr] = randomPair(shape, rng);
        if (nan) {
          withSpecials(xw, new Rng(seed)).data.forEach((v, i) => (xr.data[i] = v));
          withSpecials(dyw, new Rng(seed + 1)).data.forEach((v, i) => (dyr.data[i] = v));
        }
        const [gw, gr]: Pair | [null, null] = affine ? randomPair([C], rng) : none;
        const [bw, br]: Pair | [null, null] = affine ? randomPair([C], rng) : none;
        for (const [b, x, dy, g, bt] of [
          [wasm(), xw, dyw, gw, bw],
          [reference(), xr, dyr, gr, br],
        ] as const) {
          const { unfused, fused } = both(b, x, dy, g, bt, training);
          const what = `${b.name} [${shape}] training=${training}`;
          sameBits(fused.y, unfused.y, `${what} y`);
          sameBits(fused.dx, unfused.dx, `${what} dx`);
          if (fused.dgamma && unfused.dgamma) sameBits(fused.dgamma, unfused.dgamma, `${what} dgamma`);
          if (fused.dbeta && unfused.dbeta) sameBits(fused.dbeta, unfused.dbeta, `${what} dbeta`);
        }
      }),
      RUNS,
    );
  });

  it('matches the reference within the accuracy contract', () => {
    fc.assert(
      fc.property(setup, ({ N, C, spatial, affine, training, seed }) => {
        const shape = [N, C, ...spatial];
        const M = N * shape.slice(2).reduce((a, b) => a * b, 1);
        if (M < 2) return;
        const rng = new Rng(seed);
        const [xw, xr] = randomPair(shape, rng, -2, 3);
        const [dyw, dyr] = randomPair(shape, rng);
        const [gw, gr]: Pair | [null, null] = affine ? randomPair([C], rng, 0.5, 1.5) : none;
        const [bw, br]: Pair | [null, null] = affine ? randomPair([C], rng) : none;
        const [yw, yr] = filledPair(shape, NaN);
        const [mw, mr] = filledPair([C], NaN);
        const [sw, sr] = filledPair([C], NaN);
        wasm().batchNormTrain(xw, gw, bw, yw, mw, sw, null, null, 0.1, 1e-5, true);
        reference().batchNormTrain(xr, gr, br, yr, mr, sr, null, null, 0.1, 1e-5, true);
        expectAgree(yw, yr, M, `fused batchNormTrain y [${shape}]`);
        // The backward reads the mask from each backend's own y and statistics; an output
        // within rounding of 0 could be masked on one side only, so both use the reference's.
        yw.data.set(yr.data);
        mw.data.set(mr.data);
        sw.data.set(sr.data);
        const [dxw, dxr] = filledPair(shape, NaN);
        const [dgw, dgr]: Pair | [null, null] = affine ? clonePair(randomPair([C], rng)) : none;
        const [dbw, dbr]: Pair | [null, null] = affine ? clonePair(randomPair([C], rng)) : none;
        wasm().batchNormBackward(xw, dyw, gw, mw, sw, dxw, dgw, dbw, training, yw);
        reference().batchNormBackward(xr, dyr, gr, mr, sr, dxr, dgr, dbr, training, yr);
        const scales = backwardScales(xr, dyr, yr, gr, mr, sr, training);
        expectAgree(
          dxw,
          dxr,
          M,
          `fused batchNormBackward dx [${shape}] training=${training}`,
          Math.max(largest(dxr), scales.dx),
        );
        if (dgw && dgr && dbw && dbr) {
          expectAgree(dgw, dgr, M, 'fused dgamma', Math.max(largest(dgr), scales.dgamma));
          expectAgree(dbw, dbr, M, 'fused dbeta', Math.max(largest(dbr), scales.dbeta));
        }
      }),
      RUNS,
    );
  });
});

describe('fused batch norm + residual join (+ ReLU)', () => {
  const joinSetup = fc.record({
    N: fc.integer({ min: 1, max: 4 }),
    C: fc.integer({ min: 1, max: 5 }),
    spatial: fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 2 }),
    affine: fc.boolean(),
    relu: fc.boolean(),
    nan: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });

  it('gives the same bits as batch norm, then add (then ReLU), NaN and ±0 included, and matches the reference', () => {
    fc.assert(
      fc.property(joinSetup, ({ N, C, spatial, affine, relu, nan, seed }) => {
        const shape = [N, C, ...spatial];
        if (N * shape.slice(2).reduce((a, b) => a * b, 1) < 2) return;
        const rng = new Rng(seed);
        const [xw, xr] = randomPair(shape, rng, -2, 3);
        const [rw, rr] = randomPair(shape, rng, -2, 2);
        if (nan) withSpecials(rw, new Rng(seed)).data.forEach((v, i) => (rr.data[i] = v));
        const [gw, gr]: Pair | [null, null] = affine ? randomPair([C], rng) : none;
        const [bw, br]: Pair | [null, null] = affine ? randomPair([C], rng) : none;
        const outs: Tensor[] = [];
        for (const [b, x, r, g, bt] of [
          [wasm(), xw, rw, gw, bw],
          [reference(), xr, rr, gr, br],
        ] as const) {
          const run = (fused: boolean) => {
            const y = filled(b, shape, NaN);
            const mean = filled(b, [C], NaN);
            const invStd = filled(b, [C], NaN);
            b.batchNormTrain(x, g, bt, y, mean, invStd, null, null, 0.1, 1e-5, fused && relu, fused ? r : null);
            if (!fused) b.binary('add', y, r, y, relu);
            return { y, mean, invStd };
          };
          const unfused = run(false);
          const fused = run(true);
          const what = `${b.name} [${shape}] relu=${relu}`;
          sameBits(fused.y, unfused.y, `${what} y`);
          sameBits(fused.mean, unfused.mean, `${what} mean`);
          sameBits(fused.invStd, unfused.invStd, `${what} invStd`);
          outs.push(fused.y);
        }
        if (!nan) expectAgree(outs[0], outs[1], 1, `batchNormTrain + residual [${shape}]`);
      }),
      RUNS,
    );
  });

  it('the op rejects a residual of another shape and one that overlaps the output, naming the op', () => {
    withBackend('wasm', () => {
      const x = uniform([2, 3, 2, 2], new Rng(1), -1, 1);
      expect(() => batchNormTrain(x, null, null, { residual: zeros([2, 3, 2, 1]) })).toThrow(
        /batchNormTrain.*residual \[2, 3, 2, 1\] must have the shape of input \[2, 3, 2, 2\]/,
      );
      const out = zeros([2, 3, 2, 2]);
      expect(() => batchNormTrain(x, null, null, { residual: out, out })).toThrow(/batchNormTrain.*overlaps/);
      const r = uniform([2, 3, 2, 2], new Rng(2), -1, 1);
      const fused = batchNormTrain(x, null, null, { residual: r, relu: true }).y;
      expect(Array.from(fused.data)).toEqual(Array.from(addRelu(batchNormTrain(x, null, null).y, r).data));
    });
  });
});

describe('fused add + ReLU', () => {
  const shape = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 4 });

  it('gives the same bits as add then ReLU (same shape, broadcast, in place, NaN) and matches the reference', () => {
    fc.assert(
      fc.property(
        shape,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom('same', 'channel', 'scalar', 'inPlace'),
        (s, seed, kind) => {
          const rng = new Rng(seed);
          const [aw, ar] = randomPair(s, rng, -2, 2);
          withSpecials(aw, new Rng(seed)).data.forEach((v, i) => (ar.data[i] = v));
          const bShape = kind === 'channel' && s.length > 1 ? [s[1], ...s.slice(2).map(() => 1)] : s;
          const [bw, br] = kind === 'scalar' ? [0.25, 0.25] : randomPair(bShape, rng, -2, 2);
          // The same specials at the same places: −0 + −0 = −0, which the ReLU must turn into +0.
          if (typeof bw !== 'number' && typeof br !== 'number')
            withSpecials(bw, new Rng(seed)).data.forEach((v, i) => (br.data[i] = v));
          const outs: Tensor[] = [];
          for (const [be, a, b] of [
            [wasm(), aw, bw],
            [reference(), ar, br],
          ] as const) {
            const unfused = filled(be, s, NaN);
            be.binary('add', a, b, unfused);
            be.threshold(unfused, 0, 0, unfused);
            const fused = filled(be, s, NaN);
            if (kind === 'inPlace') fused.data.set(a.data);
            be.binary('add', kind === 'inPlace' ? fused : a, b, fused, true);
            sameBits(fused, unfused, `${be.name} addRelu ${kind} [${s}]`);
            outs.push(fused);
          }
          expectAgree(outs[0], outs[1], 1, `addRelu ${kind} [${s}]`);
        },
      ),
      RUNS,
    );
  });
});

describe('1 and 2 threads give the same bits for the fused kernels', () => {
  useTwoThreads();

  it('batch norm + ReLU (train, eval, backward in both modes, + residual) and add + ReLU', () => {
    const compute = (): Tensor[] => {
      const r = new Rng(11);
      const x = uniform([6, 5, 7, 7], r, -1, 1);
      const dy = uniform([6, 5, 7, 7], r, -1, 1);
      const gamma = uniform([5], r, 0.5, 1.5);
      const beta = uniform([5], r, -1, 1);
      const runningMean = zeros([5]);
      const runningVar = ones([5]);
      const { y, saveMean, saveInvStd } = batchNormTrain(x, gamma, beta, { runningMean, runningVar, relu: true });
      const e = batchNormEval(x, gamma, beta, runningMean, runningVar, 1e-5, undefined, true);
      const g1 = batchNormBackward(x, dy, gamma, saveMean, saveInvStd, true, {}, y);
      const g2 = batchNormBackward(x, dy, gamma, runningMean, saveInvStd, false, {}, e);
      const s = addRelu(x, dy);
      const joined = batchNormTrain(x, gamma, beta, { relu: true, residual: dy }).y;
      return [
        joined,
        y,
        saveMean,
        saveInvStd,
        runningMean,
        runningVar,
        e,
        g1.dx!,
        g1.dgamma!,
        g1.dbeta!,
        g2.dx!,
        g2.dgamma!,
        g2.dbeta!,
        s,
      ];
    };
    expect(
      expectSameBits('fused batch norm and add + ReLU', compute),
      'the 2-thread run used the pool',
    ).toBeGreaterThan(0);
  });
});

describe('fused ops', () => {
  it('the ops reject a rectified tensor of the wrong shape, naming the op', () => {
    withBackend('wasm', () => {
      const x = zeros([2, 3, 2, 2]);
      const m = zeros([3]);
      expect(() => batchNormBackward(x, x, null, m, ones([3]), true, {}, zeros([2, 3, 2, 1]))).toThrow(
        /batchNormBackward.*rectified \[2, 3, 2, 1\]/,
      );
      // The unfused sequence the fused ops replace, as a smoke test of the op wrappers.
      const a = add(x, 1);
      expect(Array.from(threshold(a, 0, 0).data)).toEqual(Array.from(addRelu(x, 1).data));
      expect(Array.from(thresholdBackward(a, a, 0).data)).toEqual(Array.from(a.data));
    });
  });
});
