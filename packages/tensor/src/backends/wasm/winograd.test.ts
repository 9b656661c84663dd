import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Conv2dParams } from '../../backend.js';
import { conv2dOutputSize } from '../../ops/conv.js';
import { Rng } from '../../random.js';
import { wasmRuntime } from './module.js';
import { CONV_RUNS, absolute, expectAgree, filledPair, randomPair, reference, termScale, wasm } from './testing.js';

/**
 * The Winograd kernels (assembly/winograd.ts) behind 3×3 stride-1 convolutions with at least 8
 * input channels: forward, backward data and filter gradient against the reference, on
 * geometries that cover both tile sizes, every padding the backward pass allows, partial quads
 * and partial tiles at the right and bottom edges, blocks that hold several images, and
 * batches split into several chunks of partial sums (N > 16).
 */

interface Case { N: number; C: number; O: number; H: number; W: number; pH: number; pW: number; bias: boolean; seed: number }

const geometry = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 8, max: 20 }),
    O: fc.integer({ min: 1, max: 19 }),
    H: fc.integer({ min: 1, max: 19 }),
    W: fc.integer({ min: 1, max: 37 }),
    pH: fc.constantFrom(0, 1, 2),
    pW: fc.constantFrom(0, 1, 2),
    bias: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .filter((g) => conv2dOutputSize(g.H, 3, 1, g.pH) > 0 && conv2dOutputSize(g.W, 3, 1, g.pW) > 0);

function shapes(g: Case) {
  const Ho = conv2dOutputSize(g.H, 3, 1, g.pH);
  const Wo = conv2dOutputSize(g.W, 3, 1, g.pW);
  const p: Conv2dParams = { strideH: 1, strideW: 1, padH: g.pH, padW: g.pW };
  return { x: [g.N, g.C, g.H, g.W], w: [g.O, g.C, 3, 3], y: [g.N, g.O, Ho, Wo], p };
}

const label = (g: Case) => `N${g.N} C${g.C} O${g.O} ${g.H}x${g.W} p${g.pH}x${g.pW}`;

/** The tile size the kernels pick (0: direct kernels), from a geometry block like conv.ts writes. */
function tile(g: Case, pass: 0 | 1 | 'filter'): number {
  const { x, y } = shapes(g);
  const rt = wasmRuntime();
  const ptr = rt.heap.allocateBytes(128);
  try {
    new Int32Array(rt.memory.buffer as ArrayBuffer, ptr, 32).set([...x, g.O, 3, 3, 1, 1, g.pH, g.pW, y[2], y[3]]);
    return pass === 'filter' ? rt.kernels.winogradFilterTile(ptr) : rt.kernels.winogradTile(ptr, pass);
  } finally {
    rt.heap.freeBytes(ptr, 128);
  }
}

function checkForward(g: Case): void {
  const { x, w, y, p } = shapes(g);
  const rng = new Rng(g.seed);
  const [xw, xr] = randomPair(x, rng);
  const [ww, wr] = randomPair(w, rng);
  const [bw, br] = g.bias ? randomPair([g.O], rng) : [null, null];
  const [yw, yr] = filledPair(y, NaN);
  wasm().conv2d(xw, ww, bw, yw, p);
  reference().conv2d(xr, wr, br, yr, p);
  const [, terms] = filledPair(y, 0);
  reference().conv2d(absolute(xr), absolute(wr), br && absolute(br), terms, p);
  expectAgree(yw, yr, g.C * 9, `winograd conv2d ${label(g)}`, termScale(yr, terms, g.C * 9));
}

function checkBackwardFilter(g: Case, accumulate: boolean): void {
  const { x, w, y, p } = shapes(g);
  const rng = new Rng(g.seed);
  const [xw, xr] = randomPair(x, rng);
  const [dyw, dyr] = randomPair(y, rng);
  const [dww, dwr] = accumulate ? randomPair(w, rng) : filledPair(w, NaN);
  const dwTerms = accumulate ? absolute(dwr) : filledPair(w, 0)[1];
  reference().conv2dBackwardFilter(absolute(xr), absolute(dyr), dwTerms, null, p, accumulate);
  wasm().conv2dBackwardFilter(xw, dyw, dww, null, p, accumulate);
  reference().conv2dBackwardFilter(xr, dyr, dwr, null, p, accumulate);
  const L = g.N * y[2] * y[3];
  expectAgree(dww, dwr, L, `winograd conv2dBackwardFilter ${label(g)} accumulate=${accumulate}`, termScale(dwr, dwTerms, L));
}

function checkBackwardData(g: Case): void {
  const { x, w, y, p } = shapes(g);
  const rng = new Rng(g.seed);
  const [dyw, dyr] = randomPair(y, rng);
  const [ww, wr] = randomPair(w, rng);
  const [dxw, dxr] = filledPair(x, NaN);
  wasm().conv2dBackwardData(dyw, ww, dxw, p);
  reference().conv2dBackwardData(dyr, wr, dxr, p);
  const [, terms] = filledPair(x, 0);
  reference().conv2dBackwardData(absolute(dyr), absolute(wr), terms, p);
  expectAgree(dxw, dxr, g.O * 9, `winograd conv2dBackwardData ${label(g)}`, termScale(dxr, terms, g.O * 9));
}

describe('wasm Winograd convolution', () => {
  it('is chosen for 3×3 stride-1 convolutions with 8 or more input channels, F(4×4) or F(2×2) by the tiles it computes', () => {
    const base: Case = { N: 2, C: 16, O: 16, H: 32, W: 32, pH: 1, pW: 1, bias: false, seed: 0 };
    expect(tile(base, 0)).toBe(4);
    // 8 × 8: F(4×4) as one 2 × 2 quad of tiles (36 products) beats four F(2×2) tiles in a row (16 × 4).
    expect(tile({ ...base, H: 8, W: 8 }, 0)).toBe(4);
    // 2 × 16: F(2×2) takes two quads of 16 products (32), F(4×4) one of 36.
    expect(tile({ ...base, H: 2, W: 16 }, 0)).toBe(2);
    expect(tile({ ...base, C: 7 }, 0)).toBe(0);
    // Backward data transposes the channels: it needs 8 output channels.
    expect(tile({ ...base, O: 7 }, 1)).toBe(0);
    expect(tile({ ...base, C: 3 }, 1)).toBe(4);
    // The filter gradient needs 8 of each.
    expect(tile(base, 'filter')).toBe(4);
    expect(tile({ ...base, O: 7 }, 'filter')).toBe(0);
    expect(tile({ ...base, C: 7 }, 'filter')).toBe(0);
  });

  it('forward matches the reference on random geometries', () => {
    const tiles = new Set<number>();
    fc.assert(fc.property(geometry, (g) => {
      tiles.add(tile(g, 0));
      checkForward(g);
    }), CONV_RUNS);
    expect([...tiles].sort()).toEqual([2, 4]);
  });

  it('backward data matches the reference on random geometries', () => {
    const ok = geometry.filter((g) => g.O >= 8);
    fc.assert(fc.property(ok, (g) => {
      expect(tile(g, 1)).toBeGreaterThan(0);
      checkBackwardData(g);
    }), CONV_RUNS);
  });

  it('filter gradient (with and without accumulation) matches the reference on random geometries', () => {
    const ok = geometry.filter((g) => g.O >= 8);
    fc.assert(fc.property(ok, fc.boolean(), (g, accumulate) => {
      expect(tile(g, 'filter')).toBeGreaterThan(0);
      checkBackwardFilter(g, accumulate);
    }), CONV_RUNS);
  });

  it('matches the reference on the ResNet-20 shapes, blocks of several images and batches of several chunks', () => {
    for (const [C, S, N] of [[16, 32, 3], [32, 16, 5], [64, 8, 9], [8, 6, 37]]) {
      const g: Case = { N, C, O: C, H: S, W: S, pH: 1, pW: 1, bias: true, seed: C };
      checkForward(g);
      checkBackwardData(g);
      checkBackwardFilter(g, false);
    }
  });
});
