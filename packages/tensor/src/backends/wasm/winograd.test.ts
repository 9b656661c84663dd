import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2dOutputSize } from '../../ops/conv-geometry.js';
import { type Case, checkBackwardData, checkBackwardFilter, checkForward, shapes } from '../../testing/conv-checks.js';
import { CONV_RUNS } from '../../testing/wasm-vs-reference.js';
import { wasmRuntime } from './kernels.js';

/**
 * The Winograd kernels (assembly/winograd.ts) behind 3×3 stride-1 convolutions with at least 8
 * input channels: forward, backward data and filter gradient against the reference, on
 * geometries that cover both tile sizes, every padding the backward pass allows, partial quads
 * and partial tiles at the right and bottom edges, blocks that hold several images, batches
 * split into several chunks of partial sums (N > 16), and depths longer than one block of the
 * products.
 */

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
  .filter((g) => conv2dOutputSize(g.H, 3, 1, g.pH) > 0 && conv2dOutputSize(g.W, 3, 1, g.pW) > 0)
  .map((g) => winograd(g));

/** A 3×3 stride-1 geometry (the only kind the Winograd kernels take). */
function winograd(g: Omit<Case, 'kH' | 'kW' | 'sH' | 'sW' | 'accumulate'>): Case {
  return { ...g, kH: 3, kW: 3, sH: 1, sW: 1, accumulate: false };
}

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

describe('wasm Winograd convolution', () => {
  it('is chosen for 3×3 stride-1 convolutions with 8 or more input channels, F(4×4) or F(2×2) by the tiles it computes', () => {
    const base = winograd({ N: 2, C: 16, O: 16, H: 32, W: 32, pH: 1, pW: 1, bias: false, seed: 0 });
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

  it('forward (with or without the epilogue: + residual, ReLU) matches the reference on random geometries', () => {
    const tiles = new Set<number>();
    fc.assert(
      fc.property(geometry, fc.boolean(), fc.boolean(), (g, residual, relu) => {
        tiles.add(tile(g, 0));
        checkForward({ ...g, residual, relu });
      }),
      CONV_RUNS,
    );
    expect([...tiles].sort()).toEqual([2, 4]);
  });

  it('backward data matches the reference on random geometries', () => {
    const ok = geometry.filter((g) => g.O >= 8);
    fc.assert(
      fc.property(ok, (g) => {
        expect(tile(g, 1)).toBeGreaterThan(0);
        checkBackwardData(g);
      }),
      CONV_RUNS,
    );
  });

  it('filter gradient (with and without accumulation) matches the reference on random geometries', () => {
    const ok = geometry.filter((g) => g.O >= 8);
    fc.assert(
      fc.property(ok, fc.boolean(), (g, accumulate) => {
        expect(tile(g, 'filter')).toBeGreaterThan(0);
        // The bias gradient is the direct kernels' (conv.test.ts): this checks dw alone.
        checkBackwardFilter({ ...g, bias: false, accumulate });
      }),
      CONV_RUNS,
    );
  });

  it('matches the reference on the ResNet-20 shapes, blocks of several images and batches of several chunks', () => {
    for (const [C, S, N] of [
      [16, 32, 3],
      [32, 16, 5],
      [64, 8, 9],
      [8, 6, 37],
    ]) {
      const g = winograd({ N, C, O: C, H: S, W: S, pH: 1, pW: 1, bias: true, seed: C });
      checkForward(g);
      checkForward({ ...g, residual: true, relu: true });
      checkBackwardData(g);
      checkBackwardFilter({ ...g, bias: false });
    }
  });

  it('adds the products of depths longer than one block (more than 256 channels)', () => {
    // 300 input channels run in two blocks of the products' depth: the second adds to M. Backward
    // data transposes the channels, so there 300 output channels make the long depth.
    const g = winograd({ N: 2, C: 300, O: 6, H: 6, W: 7, pH: 1, pW: 1, bias: true, seed: 3 });
    expect(tile(g, 0)).toBeGreaterThan(0);
    checkForward({ ...g, residual: true, relu: true });
    checkBackwardData({ ...g, C: 6, O: 300, bias: false });
  });
});
