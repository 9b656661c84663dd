import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Pool2dParams } from '../../backend.js';
import { pool2dOutputSize } from '../../ops/pool.js';
import { Rng } from '../../random.js';
import { expectAgree, filledPair, RUNS, randomPair, reference, wasm } from '../../testing/wasm-vs-reference.js';

/** Pooling geometries (padding at most half the window, as the ops require). */
const geometry = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 13 }),
    W: fc.integer({ min: 1, max: 13 }),
    kH: fc.constantFrom(1, 2, 3, 5, 8),
    kW: fc.constantFrom(1, 2, 3, 5, 8),
    sH: fc.constantFrom(1, 2, 3),
    sW: fc.constantFrom(1, 2, 3),
    pH: fc.constantFrom(0, 1, 2),
    pW: fc.constantFrom(0, 1, 2),
    ceilMode: fc.boolean(),
    countIncludePad: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .filter(
    (g) =>
      2 * g.pH <= g.kH &&
      2 * g.pW <= g.kW &&
      pool2dOutputSize(g.H, g.kH, g.sH, g.pH, g.ceilMode) > 0 &&
      pool2dOutputSize(g.W, g.kW, g.sW, g.pW, g.ceilMode) > 0,
  );

type Geometry = typeof geometry extends fc.Arbitrary<infer T> ? T : never;

function setup(g: Geometry) {
  const p: Pool2dParams = {
    kernelH: g.kH,
    kernelW: g.kW,
    strideH: g.sH,
    strideW: g.sW,
    padH: g.pH,
    padW: g.pW,
    ceilMode: g.ceilMode,
    countIncludePad: g.countIncludePad,
  };
  const Ho = pool2dOutputSize(g.H, g.kH, g.sH, g.pH, g.ceilMode);
  const Wo = pool2dOutputSize(g.W, g.kW, g.sW, g.pW, g.ceilMode);
  const label = `${g.H}x${g.W} k${g.kH}x${g.kW} s${g.sH}x${g.sW} p${g.pH}x${g.pW} ceil=${g.ceilMode} includePad=${g.countIncludePad}`;
  return { p, x: [g.N, g.C, g.H, g.W], y: [g.N, g.C, Ho, Wo], label, window: g.kH * g.kW };
}

describe('wasm pooling', () => {
  it('max pooling forward and backward match the reference', () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const { p, x, y, label } = setup(g);
        const rng = new Rng(g.seed);
        const [xw, xr] = randomPair(x, rng);
        // Repeated values make ties, where the first maximum must win.
        for (let i = 0; i < xw.size; i += 3) xw.data[i] = xr.data[i] = 0.5;
        const [yw, yr] = filledPair(y, NaN);
        wasm().maxPool2d(xw, yw, p);
        reference().maxPool2d(xr, yr, p);
        expectAgree(yw, yr, 1, `maxPool2d ${label}`);
        const [dyw, dyr] = randomPair(y, rng);
        const [dxw, dxr] = filledPair(x, NaN);
        wasm().maxPool2dBackward(xw, dyw, dxw, p);
        reference().maxPool2dBackward(xr, dyr, dxr, p);
        expectAgree(dxw, dxr, g.kH * g.kW, `maxPool2dBackward ${label}`);
      }),
      RUNS,
    );
  });

  it('average pooling forward and backward match the reference', () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const { p, x, y, label, window } = setup(g);
        const rng = new Rng(g.seed);
        const [xw, xr] = randomPair(x, rng);
        const [yw, yr] = filledPair(y, NaN);
        wasm().avgPool2d(xw, yw, p);
        reference().avgPool2d(xr, yr, p);
        expectAgree(yw, yr, window, `avgPool2d ${label}`);
        const [dyw, dyr] = randomPair(y, rng);
        const [dxw, dxr] = filledPair(x, NaN);
        wasm().avgPool2dBackward(dyw, dxw, p);
        reference().avgPool2dBackward(dyr, dxr, p);
        expectAgree(dxw, dxr, window, `avgPool2dBackward ${label}`);
      }),
      RUNS,
    );
  });

  it('matches the reference on wide images (the four-outputs-at-a-time paths), NaN and ties included', () => {
    const cases: [number, number, number, number, number][] = [
      // H, W, kernel, stride, pad (2×2 stride 2 on widths that are multiples of 8: the ResNet
      // shortcut's fast path, one or several runs of eight per row)
      [32, 32, 2, 2, 0],
      [6, 8, 2, 2, 0],
      [4, 24, 2, 2, 0],
      [17, 21, 3, 2, 1],
      [20, 20, 3, 1, 1],
      [9, 30, 5, 1, 2],
      [12, 40, 7, 2, 3],
    ];
    const rng = new Rng(11);
    for (const [H, W, k, s, pad] of cases) {
      for (const countIncludePad of [false, true]) {
        const p: Pool2dParams = {
          kernelH: k,
          kernelW: k,
          strideH: s,
          strideW: s,
          padH: pad,
          padW: pad,
          ceilMode: false,
          countIncludePad,
        };
        const Ho = pool2dOutputSize(H, k, s, pad, false);
        const Wo = pool2dOutputSize(W, k, s, pad, false);
        const label = `${H}x${W} k${k} s${s} p${pad} includePad=${countIncludePad}`;
        const [xw, xr] = randomPair([2, 3, H, W], rng);
        for (let i = 0; i < xw.size; i += 7) xw.data[i] = xr.data[i] = 0.25; // ties
        for (let i = 3; i < xw.size; i += 101) xw.data[i] = xr.data[i] = NaN;
        const [dyw, dyr] = randomPair([2, 3, Ho, Wo], rng);
        const [mw, mr] = filledPair([2, 3, Ho, Wo], NaN);
        wasm().maxPool2d(xw, mw, p);
        reference().maxPool2d(xr, mr, p);
        expectAgree(mw, mr, 1, `maxPool2d ${label}`);
        const [mdw, mdr] = filledPair([2, 3, H, W], NaN);
        wasm().maxPool2dBackward(xw, dyw, mdw, p);
        reference().maxPool2dBackward(xr, dyr, mdr, p);
        expectAgree(mdw, mdr, k * k, `maxPool2dBackward ${label}`);
        const [xaw, xar] = randomPair([2, 3, H, W], rng);
        const [yw, yr] = filledPair([2, 3, Ho, Wo], NaN);
        wasm().avgPool2d(xaw, yw, p);
        reference().avgPool2d(xar, yr, p);
        expectAgree(yw, yr, k * k, `avgPool2d ${label}`);
        const [dxw, dxr] = filledPair([2, 3, H, W], NaN);
        wasm().avgPool2dBackward(dyw, dxw, p);
        reference().avgPool2dBackward(dyr, dxr, p);
        expectAgree(dxw, dxr, k * k, `avgPool2dBackward ${label}`);
      }
    }
  });

  it('the global average pool of a ResNet head (8×8 window over 8×8 maps) matches the reference', () => {
    const p: Pool2dParams = {
      kernelH: 8,
      kernelW: 8,
      strideH: 1,
      strideW: 1,
      padH: 0,
      padW: 0,
      ceilMode: false,
      countIncludePad: true,
    };
    const rng = new Rng(9);
    const [xw, xr] = randomPair([4, 64, 8, 8], rng);
    const [yw, yr] = filledPair([4, 64, 1, 1], NaN);
    wasm().avgPool2d(xw, yw, p);
    reference().avgPool2d(xr, yr, p);
    expectAgree(yw, yr, 64, 'global average pool');
    const [dyw, dyr] = randomPair([4, 64, 1, 1], rng);
    const [dxw, dxr] = filledPair([4, 64, 8, 8], NaN);
    wasm().avgPool2dBackward(dyw, dxw, p);
    reference().avgPool2dBackward(dyr, dxr, p);
    expectAgree(dxw, dxr, 1, 'global average pool backward');
  });
});
