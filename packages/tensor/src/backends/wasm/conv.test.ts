import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Conv2dParams } from '../../backend.js';
import { conv2dOutputSize } from '../../ops/conv.js';
import { Rng } from '../../random.js';
import { CONV_RUNS, absolute, clonePair, expectAgree, filledPair, randomPair, reference, termScale, wasm } from './testing.js';

interface Case {
  N: number; C: number; O: number; H: number; W: number; kH: number; kW: number;
  sH: number; sW: number; pH: number; pW: number; bias: boolean; accumulate: boolean; seed: number;
}

/**
 * Geometries for the property: odd sizes, batch 1, strides 1/2 (and 3/4 across rows: the
 * phase split's generic and 4×4-transpose paths), paddings 0/1/2, kernels 1/3/5, and images
 * wide enough (up to 21) for the kernels' 8-pixel row fast paths and their edges.
 */
const geometry = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 6 }),
    O: fc.integer({ min: 1, max: 9 }),
    H: fc.integer({ min: 1, max: 13 }),
    W: fc.integer({ min: 1, max: 21 }),
    kH: fc.constantFrom(1, 3, 5),
    kW: fc.constantFrom(1, 3, 5),
    sH: fc.constantFrom(1, 2),
    sW: fc.constantFrom(1, 2, 3, 4),
    pH: fc.constantFrom(0, 1, 2),
    pW: fc.constantFrom(0, 1, 2),
    bias: fc.boolean(),
    accumulate: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .filter((g) => conv2dOutputSize(g.H, g.kH, g.sH, g.pH) > 0 && conv2dOutputSize(g.W, g.kW, g.sW, g.pW) > 0);

function shapes(g: Case) {
  const Ho = conv2dOutputSize(g.H, g.kH, g.sH, g.pH);
  const Wo = conv2dOutputSize(g.W, g.kW, g.sW, g.pW);
  const p: Conv2dParams = { strideH: g.sH, strideW: g.sW, padH: g.pH, padW: g.pW };
  return { x: [g.N, g.C, g.H, g.W], w: [g.O, g.C, g.kH, g.kW], y: [g.N, g.O, Ho, Wo], p, K: g.C * g.kH * g.kW };
}

function label(g: Case): string {
  return `N${g.N} C${g.C} O${g.O} ${g.H}x${g.W} k${g.kH}x${g.kW} s${g.sH}x${g.sW} p${g.pH}x${g.pW}`;
}

function checkForward(g: Case): void {
  const { x, w, y, p, K } = shapes(g);
  const rng = new Rng(g.seed);
  const [xw, xr] = randomPair(x, rng);
  const [ww, wr] = randomPair(w, rng);
  const [bw, br] = g.bias ? randomPair([g.O], rng) : [null, null];
  const [yw, yr] = filledPair(y, NaN);
  wasm().conv2d(xw, ww, bw, yw, p);
  reference().conv2d(xr, wr, br, yr, p);
  const [, terms] = filledPair(y, 0);
  reference().conv2d(absolute(xr), absolute(wr), br && absolute(br), terms, p);
  expectAgree(yw, yr, K, `conv2d ${label(g)}`, termScale(yr, terms, K));
}

function checkBackwardData(g: Case): void {
  const { x, w, y, p } = shapes(g);
  const rng = new Rng(g.seed);
  const [dyw, dyr] = randomPair(y, rng);
  const [ww, wr] = randomPair(w, rng);
  const [dxw, dxr] = filledPair(x, NaN);
  wasm().conv2dBackwardData(dyw, ww, dxw, p);
  reference().conv2dBackwardData(dyr, wr, dxr, p);
  const L = g.O * g.kH * g.kW;
  const [, terms] = filledPair(x, 0);
  reference().conv2dBackwardData(absolute(dyr), absolute(wr), terms, p);
  expectAgree(dxw, dxr, L, `conv2dBackwardData ${label(g)}`, termScale(dxr, terms, L));
}

function checkBackwardFilter(g: Case): void {
  const { x, w, y, p } = shapes(g);
  const rng = new Rng(g.seed);
  const [xw, xr] = randomPair(x, rng);
  const [dyw, dyr] = randomPair(y, rng);
  const [dww, dwr] = g.accumulate ? clonePair(randomPair(w, rng)) : filledPair(w, NaN);
  const [dbw, dbr] = g.bias ? (g.accumulate ? randomPair([g.O], rng) : filledPair([g.O], NaN)) : [null, null];
  // Σ|terms|: the same gradients of |x| and |dy|, accumulated onto |dw| and |db|.
  const dwTerms = g.accumulate ? absolute(dwr) : filledPair(w, 0)[1];
  const dbTerms = dbr && (g.accumulate ? absolute(dbr) : filledPair([g.O], 0)[1]);
  reference().conv2dBackwardFilter(absolute(xr), absolute(dyr), dwTerms, dbTerms, p, g.accumulate);
  wasm().conv2dBackwardFilter(xw, dyw, dww, dbw, p, g.accumulate);
  reference().conv2dBackwardFilter(xr, dyr, dwr, dbr, p, g.accumulate);
  const L = g.N * y[2] * y[3];
  expectAgree(dww, dwr, L, `conv2dBackwardFilter dw ${label(g)} accumulate=${g.accumulate}`, termScale(dwr, dwTerms, L));
  if (dbw && dbr && dbTerms) expectAgree(dbw, dbr, L, `conv2dBackwardFilter db ${label(g)}`, termScale(dbr, dbTerms, L));
}

/** ResNet-like shapes: 8-aligned rows (the fast im2col paths), K beyond one KC = 256 block. */
const fixed: Case[] = [
  { N: 2, C: 16, O: 16, H: 32, W: 32, kH: 3, kW: 3, sH: 1, sW: 1, pH: 1, pW: 1, bias: true, accumulate: false, seed: 1 },
  { N: 1, C: 32, O: 24, H: 16, W: 16, kH: 3, kW: 3, sH: 1, sW: 1, pH: 1, pW: 1, bias: false, accumulate: true, seed: 2 },
  { N: 2, C: 16, O: 32, H: 32, W: 32, kH: 3, kW: 3, sH: 2, sW: 2, pH: 1, pW: 1, bias: true, accumulate: true, seed: 3 },
  { N: 2, C: 12, O: 20, H: 9, W: 24, kH: 1, kW: 1, sH: 1, sW: 1, pH: 0, pW: 0, bias: true, accumulate: false, seed: 4 },
  { N: 2, C: 8, O: 16, H: 16, W: 16, kH: 1, kW: 1, sH: 2, sW: 2, pH: 0, pW: 0, bias: false, accumulate: false, seed: 5 },
  { N: 1, C: 3, O: 5, H: 40, W: 300, kH: 3, kW: 5, sH: 1, sW: 1, pH: 2, pW: 2, bias: true, accumulate: false, seed: 6 },
  { N: 2, C: 4, O: 6, H: 23, W: 37, kH: 5, kW: 5, sH: 3, sW: 3, pH: 2, pW: 2, bias: true, accumulate: true, seed: 7 },
  { N: 1, C: 5, O: 7, H: 17, W: 41, kH: 5, kW: 5, sH: 2, sW: 4, pH: 1, pW: 2, bias: false, accumulate: false, seed: 8 },
];

describe('wasm conv2d', () => {
  it('forward matches the reference on random geometries', () => {
    fc.assert(fc.property(geometry, (g) => checkForward(g)), CONV_RUNS);
  });
  it('backward data matches the reference on random geometries', () => {
    fc.assert(fc.property(geometry, (g) => checkBackwardData(g)), CONV_RUNS);
  });
  it('backward filter (and bias, with and without accumulation) matches the reference on random geometries', () => {
    fc.assert(fc.property(geometry, (g) => checkBackwardFilter(g)), CONV_RUNS);
  });
  it('matches the reference on ResNet-like, pointwise and wide shapes', () => {
    for (const g of fixed) {
      checkForward(g);
      checkBackwardData(g);
      checkBackwardFilter(g);
    }
  });
});
