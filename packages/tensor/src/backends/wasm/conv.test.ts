import fc from 'fast-check';
import { describe, it } from 'vitest';
import { conv2dOutputSize } from '../../ops/conv-geometry.js';
import { type Case, checkBackwardData, checkBackwardFilter, checkForward } from '../../testing/conv-checks.js';
import { CONV_RUNS } from '../../testing/wasm-vs-reference.js';

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
    residual: fc.boolean(),
    relu: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .filter((g) => conv2dOutputSize(g.H, g.kH, g.sH, g.pH) > 0 && conv2dOutputSize(g.W, g.kW, g.sW, g.pW) > 0);

/** ResNet-like shapes: 8-aligned rows (the fast im2col paths), K beyond one KC = 256 block. */
const fixed: Case[] = [
  {
    N: 2,
    C: 16,
    O: 16,
    H: 32,
    W: 32,
    kH: 3,
    kW: 3,
    sH: 1,
    sW: 1,
    pH: 1,
    pW: 1,
    bias: true,
    accumulate: false,
    seed: 1,
  },
  {
    N: 1,
    C: 32,
    O: 24,
    H: 16,
    W: 16,
    kH: 3,
    kW: 3,
    sH: 1,
    sW: 1,
    pH: 1,
    pW: 1,
    bias: false,
    accumulate: true,
    seed: 2,
  },
  { N: 2, C: 16, O: 32, H: 32, W: 32, kH: 3, kW: 3, sH: 2, sW: 2, pH: 1, pW: 1, bias: true, accumulate: true, seed: 3 },
  { N: 2, C: 12, O: 20, H: 9, W: 24, kH: 1, kW: 1, sH: 1, sW: 1, pH: 0, pW: 0, bias: true, accumulate: false, seed: 4 },
  {
    N: 2,
    C: 8,
    O: 16,
    H: 16,
    W: 16,
    kH: 1,
    kW: 1,
    sH: 2,
    sW: 2,
    pH: 0,
    pW: 0,
    bias: false,
    accumulate: false,
    seed: 5,
  },
  { N: 1, C: 3, O: 5, H: 40, W: 300, kH: 3, kW: 5, sH: 1, sW: 1, pH: 2, pW: 2, bias: true, accumulate: false, seed: 6 },
  { N: 2, C: 4, O: 6, H: 23, W: 37, kH: 5, kW: 5, sH: 3, sW: 3, pH: 2, pW: 2, bias: true, accumulate: true, seed: 7 },
  { N: 1, C: 5, O: 7, H: 17, W: 41, kH: 5, kW: 5, sH: 2, sW: 4, pH: 1, pW: 2, bias: false, accumulate: false, seed: 8 },
];

describe('wasm conv2d', () => {
  it('forward (with or without the epilogue: + residual, ReLU) matches the reference on random geometries', () => {
    fc.assert(
      fc.property(geometry, (g) => checkForward(g)),
      CONV_RUNS,
    );
  });
  it('backward data matches the reference on random geometries', () => {
    fc.assert(
      fc.property(geometry, (g) => checkBackwardData(g)),
      CONV_RUNS,
    );
  });
  it('backward filter (and bias, with and without accumulation) matches the reference on random geometries', () => {
    fc.assert(
      fc.property(geometry, (g) => checkBackwardFilter(g)),
      CONV_RUNS,
    );
  });
  it('matches the reference on ResNet-like, pointwise and wide shapes', () => {
    for (const g of fixed) {
      checkForward(g);
      checkForward({ ...g, residual: true, relu: true });
      checkBackwardData(g);
      checkBackwardFilter(g);
    }
  });
});
