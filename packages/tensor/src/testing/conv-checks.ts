import type { Conv2dParams } from '../backend.js';
import { conv2dOutputSize } from '../ops/conv-geometry.js';
import { Rng } from '../random.js';
import type { ConvGeometry } from './arbitraries.js';
import {
  absolute,
  clonePair,
  expectAgree,
  filledPair,
  randomPair,
  reference,
  termScale,
  wasm,
} from './wasm-vs-reference.js';

/**
 * The wasm convolution passes against the reference on one geometry, shared by conv.test.ts
 * (every geometry) and winograd.test.ts (the 3×3 stride-1 ones the Winograd kernels take).
 * Each check fills the outputs with NaN first (or accumulates onto random values) and bounds
 * the error by the sum of |terms| (wasm-vs-reference.ts).
 */

/**
 * A convolution geometry, with or without bias, overwriting or accumulating the filter gradient;
 * the forward pass optionally with an epilogue (a residual added, a ReLU).
 */
export interface Case extends ConvGeometry {
  bias: boolean;
  accumulate: boolean;
  residual?: boolean;
  relu?: boolean;
}

export function shapes(g: Case) {
  const Ho = conv2dOutputSize(g.H, g.kH, g.sH, g.pH);
  const Wo = conv2dOutputSize(g.W, g.kW, g.sW, g.pW);
  const p: Conv2dParams = { strideH: g.sH, strideW: g.sW, padH: g.pH, padW: g.pW };
  return { x: [g.N, g.C, g.H, g.W], w: [g.O, g.C, g.kH, g.kW], y: [g.N, g.O, Ho, Wo], p, K: g.C * g.kH * g.kW };
}

function label(g: Case): string {
  const epilogue = `${g.residual ? ' +residual' : ''}${g.relu ? ' relu' : ''}`;
  return `N${g.N} C${g.C} O${g.O} ${g.H}x${g.W} k${g.kH}x${g.kW} s${g.sH}x${g.sW} p${g.pH}x${g.pW}${epilogue}`;
}

export function checkForward(g: Case): void {
  const { x, w, y, p, K } = shapes(g);
  const rng = new Rng(g.seed);
  const [xw, xr] = randomPair(x, rng);
  const [ww, wr] = randomPair(w, rng);
  const [bw, br] = g.bias ? randomPair([g.O], rng) : [null, null];
  const [rw, rr] = g.residual ? randomPair(y, rng) : [null, null];
  const relu = g.relu ?? false;
  const [yw, yr] = filledPair(y, NaN);
  wasm().conv2d(xw, ww, bw, yw, p, { residual: rw, relu });
  reference().conv2d(xr, wr, br, yr, p, { residual: rr, relu });
  const [, terms] = filledPair(y, 0);
  reference().conv2d(absolute(xr), absolute(wr), br && absolute(br), terms, p, {
    residual: rr && absolute(rr),
    relu: false,
  });
  expectAgree(yw, yr, K, `conv2d ${label(g)}`, termScale(yr, terms, K));
}

export function checkBackwardData(g: Case): void {
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

export function checkBackwardFilter(g: Case): void {
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
  expectAgree(
    dww,
    dwr,
    L,
    `conv2dBackwardFilter dw ${label(g)} accumulate=${g.accumulate}`,
    termScale(dwr, dwTerms, L),
  );
  if (dbw && dbr && dbTerms)
    expectAgree(dbw, dbr, L, `conv2dBackwardFilter db ${label(g)}`, termScale(dbr, dbTerms, L));
}
