import { describe, expect, it } from 'vitest';
import type { Conv2dParams } from '../../tensor/src/backend.js';
import { setThreads } from '../../tensor/src/backends/wasm/threads/settings.js';
import { backendByName, listBackends } from '../../tensor/src/engine.js';
import { Rng } from '../../tensor/src/random.js';
import { Tensor } from '../../tensor/src/tensor.js';
import {
  type Case,
  checkBackwardData,
  checkBackwardFilter,
  checkForward,
} from '../../tensor/src/testing/conv-checks.js';
import { expectAgree } from '../../tensor/src/testing/wasm-vs-reference.js';
import { skipReason } from './testing/tensor-sources.js';

/**
 * The native backend beyond @funt/tensor's convolution suites (which vitest.config.ts runs on
 * it): NaN and infinities, bits that do not depend on the thread count, and operands it hands
 * to the wasm backend (float64, JavaScript-heap tensors).
 */

if (skipReason) console.warn(`@funt/tensor-native tests skipped: ${skipReason}`);

const native = () => backendByName('native');
const reference = () => backendByName('reference');

function random(
  shape: number[],
  seed: number,
  backend: 'native' | 'reference' = 'native',
  dtype: 'float32' | 'float64' = 'float32',
) {
  const t = Tensor.empty(shape, dtype, backendByName(backend));
  new Rng(seed).fillUniform(t.data, -1, 1);
  return t;
}

function copyTo(t: Tensor, backend: 'native' | 'reference'): Tensor {
  const c = Tensor.empty(t.shape, 'float32', backendByName(backend));
  c.data.set(t.data);
  return c;
}

const p1: Conv2dParams = { strideH: 1, strideW: 1, padH: 1, padW: 1 };

describe.skipIf(skipReason !== null)('the native backend', () => {
  it('is registered and shares the wasm backend allocator', () => {
    expect(listBackends()).toContain('native');
    expect(native().allocator).toBe(backendByName('wasm').allocator);
    expect(native().convEpilogue).toBe(true);
  });

  it('puts NaN and infinities of x and dy where the reference does, in all three passes', () => {
    for (const [p, width] of [
      [p1, 10],
      [p1, 16],
      [{ strideH: 2, strideW: 2, padH: 1, padW: 0 }, 10],
    ] as const) {
      const x = random([2, 5, 9, width], 1);
      x.data[7] = Number.NaN;
      x.data[123] = Number.POSITIVE_INFINITY;
      x.data[400] = Number.NEGATIVE_INFINITY;
      const w = random([4, 5, 3, 3], 2);
      const Ho = Math.floor((9 + 2 * p.padH - 3) / p.strideH) + 1;
      const Wo = Math.floor((width + 2 * p.padW - 3) / p.strideW) + 1;
      const y = Tensor.empty([2, 4, Ho, Wo], 'float32', native());
      const yr = Tensor.empty([2, 4, Ho, Wo], 'float32', reference());
      native().conv2d(x, w, null, y, p);
      reference().conv2d(copyTo(x, 'reference'), copyTo(w, 'reference'), null, yr, p);
      expectAgree(y, yr, 45, 'conv2d with NaN and ±Infinity');
      const dy = random(y.shape as number[], 3);
      dy.data[5] = Number.NaN;
      const dx = Tensor.empty(x.shape, 'float32', native());
      const dxr = Tensor.empty(x.shape, 'float32', reference());
      native().conv2dBackwardData(dy, w, dx, p);
      reference().conv2dBackwardData(copyTo(dy, 'reference'), copyTo(w, 'reference'), dxr, p);
      expectAgree(dx, dxr, 36, 'conv2dBackwardData with NaN');
      const dw = Tensor.empty(w.shape, 'float32', native());
      const dwr = Tensor.empty(w.shape, 'float32', reference());
      // Finite dy here: the GEMM multiplies the padding's zeros too (as the wasm kernels do), so a
      // NaN in dy would also reach the taps that the reference skips at the border.
      const dyFinite = random(y.shape as number[], 3);
      native().conv2dBackwardFilter(x, dyFinite, dw, null, p, false);
      reference().conv2dBackwardFilter(copyTo(x, 'reference'), copyTo(dyFinite, 'reference'), dwr, null, p, false);
      expectAgree(dw, dwr, 2 * Ho * Wo, 'conv2dBackwardFilter with NaN and ±Infinity');
      expect(dw.data.some((v) => Number.isNaN(v))).toBe(true);
    }
  });

  it('spreads a non-finite input over its Winograd tiles, and only there (3 × 3 stride 1, 8 or more channels)', () => {
    // One infinity at (row 5, column 6) of channel 3: with padding 1 it sits at (6, 7) of the
    // padded input, inside the 6 × 6 input tile of output tile rows 4–7 and columns 4–7 only.
    const x = random([1, 8, 12, 12], 12);
    x.data[3 * 144 + 5 * 12 + 6] = Number.POSITIVE_INFINITY;
    const w = random([8, 8, 3, 3], 13);
    const y = Tensor.empty([1, 8, 12, 12], 'float32', native());
    const yr = Tensor.empty([1, 8, 12, 12], 'float32', reference());
    native().conv2d(x, w, null, y, p1);
    reference().conv2d(copyTo(x, 'reference'), copyTo(w, 'reference'), null, yr, p1);
    let spread = 0;
    for (let i = 0; i < y.size; i++) {
      const row = Math.floor(i / 12) % 12;
      const col = i % 12;
      const inTile = row >= 4 && row < 8 && col >= 4 && col < 8;
      if (inTile) {
        if (!Number.isFinite(y.data[i] as number)) spread++;
      } else {
        expect(Math.abs((y.data[i] as number) - (yr.data[i] as number))).toBeLessThan(1e-4);
      }
    }
    // The transforms mix it into every output of the tile, of every output channel (where the
    // reference has 3 × 3 non-finite outputs per channel).
    expect(spread).toBe(8 * 16);
    // The filter gradient: every tap of input channel 3's filters is non-finite, as in the
    // reference (the value is inside the image); the other channels agree.
    const dy = random([1, 8, 12, 12], 14);
    const dw = Tensor.empty(w.shape, 'float32', native());
    const dwr = Tensor.empty(w.shape, 'float32', reference());
    native().conv2dBackwardFilter(x, dy, dw, null, p1, false);
    reference().conv2dBackwardFilter(copyTo(x, 'reference'), copyTo(dy, 'reference'), dwr, null, p1, false);
    for (let i = 0; i < dw.size; i++) {
      const c = Math.floor(i / 9) % 8;
      if (c === 3) {
        expect(Number.isFinite(dw.data[i] as number)).toBe(false);
        expect(Number.isFinite(dwr.data[i] as number)).toBe(false);
      } else {
        expect(Math.abs((dw.data[i] as number) - (dwr.data[i] as number))).toBeLessThan(1e-3);
      }
    }
  });

  it('runs the direct kernels (rows of whole vectors, stride 1 and 2) right, channel counts that 4 does not divide included', () => {
    const base = { N: 3, H: 6, kH: 3, kW: 3, sH: 1, sW: 1, pH: 1, pW: 1, bias: true, accumulate: false, seed: 3 };
    const s2 = { ...base, sH: 2, sW: 2 };
    const cases: Case[] = [
      { ...base, C: 5, O: 7, W: 16, residual: true, relu: true },
      { ...base, C: 16, O: 16, W: 8, pH: 0, pW: 0, H: 10 },
      { ...base, C: 9, O: 6, W: 24, kH: 1, pH: 0, accumulate: true, seed: 4 },
      { ...base, C: 6, O: 10, W: 16, kH: 5, kW: 5, pH: 2, pW: 2, seed: 5 },
      // 3 × 3 stride 2: even and odd widths, paddings 0-2, outputs of 1 and 2 vectors a row.
      { ...s2, C: 5, O: 7, H: 9, W: 16, residual: true, relu: true, seed: 6 },
      { ...s2, C: 3, O: 6, H: 8, W: 17, pH: 0, pW: 0, accumulate: true, seed: 7 },
      { ...s2, C: 16, O: 9, H: 7, W: 32, pH: 2, seed: 8 },
      // Padding 1, even height, width a multiple of 16: dx by the parity of its rows and columns.
      { ...s2, C: 6, O: 5, H: 6, W: 32, seed: 9 },
      { ...s2, C: 16, O: 32, H: 4, W: 16, accumulate: true, seed: 10 },
    ];
    for (const g of cases) {
      checkForward(g);
      checkBackwardData(g);
      checkBackwardFilter(g);
    }
  });

  it('gives the same bits with 1 and 2 threads', () => {
    const run = () => {
      // Width 16: the direct kernels; 13 in the second half of the batch's shapes: the GEMM ones.
      const x = random([9, 6, 11, 16], 4);
      // Stride 2: the direct kernels in all three passes (dx by its parity phases).
      const p2: Conv2dParams = { strideH: 2, strideW: 2, padH: 1, padW: 1 };
      const x2 = random([9, 6, 10, 16], 11);
      const w2 = random([5, 6, 3, 3], 10);
      const y2 = Tensor.empty([9, 5, 5, 8], 'float32', native());
      native().conv2d(x2, w2, null, y2, p2);
      const dx2 = Tensor.empty(x2.shape, 'float32', native());
      native().conv2dBackwardData(y2, w2, dx2, p2);
      const dw2 = Tensor.empty(w2.shape, 'float32', native());
      native().conv2dBackwardFilter(x2, y2, dw2, null, p2, false);
      const w = random([8, 6, 3, 3], 5);
      const b = random([8], 6);
      const r = random([9, 8, 11, 16], 7);
      const y = Tensor.empty([9, 8, 11, 16], 'float32', native());
      native().conv2d(x, w, b, y, p1, { residual: r, relu: true });
      const dx = Tensor.empty(x.shape, 'float32', native());
      native().conv2dBackwardData(r, w, dx, p1);
      const dw = random([8, 6, 3, 3], 8);
      const db = random([8], 9);
      native().conv2dBackwardFilter(x, r, dw, db, p1, true);
      return [y, dx, dw, db, y2, dx2, dw2].map((t) =>
        Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size)),
      );
    };
    // 8 and more channels: the Winograd kernels, blocks of several images, chunks of the filter
    // gradient, partial tiles.
    const runWinograd = () => {
      const x = random([9, 12, 10, 13], 14);
      const w = random([9, 12, 3, 3], 15);
      const b = random([9], 16);
      const r = random([9, 9, 10, 13], 17);
      const y = Tensor.empty(r.shape, 'float32', native());
      native().conv2d(x, w, b, y, p1, { residual: r, relu: true });
      const dx = Tensor.empty(x.shape, 'float32', native());
      native().conv2dBackwardData(r, w, dx, p1);
      const dw = random([9, 12, 3, 3], 18);
      native().conv2dBackwardFilter(x, r, dw, null, p1, true);
      return [y, dx, dw].map((t) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size)));
    };
    setThreads(1);
    const one = [...run(), ...runWinograd()];
    setThreads(2);
    const two = [...run(), ...runWinograd()];
    expect(two).toEqual(one);
  });

  it('hands float64 and JavaScript-heap operands to the wasm backend', () => {
    for (const backend of ['reference', 'native'] as const) {
      for (const dtype of ['float32', 'float64'] as const) {
        if (backend === 'native' && dtype === 'float64') continue;
        const x = random([2, 3, 6, 7], 10, backend === 'native' ? 'native' : 'reference', dtype);
        const w = random([4, 3, 3, 3], 11, 'reference', dtype);
        const y = Tensor.empty([2, 4, 6, 7], dtype, backendByName(backend));
        native().conv2d(x, w, null, y, p1);
        const yr = Tensor.empty([2, 4, 6, 7], 'float32', reference());
        const x32 = Tensor.empty(x.shape, 'float32', reference());
        x32.data.set(x.data);
        const w32 = Tensor.empty(w.shape, 'float32', reference());
        w32.data.set(w.data);
        reference().conv2d(x32, w32, null, yr, p1);
        const y32 = Tensor.empty(y.shape, 'float32', reference());
        y32.data.set(y.data);
        expectAgree(y32, yr, 27, `conv2d of ${backend} ${dtype} operands`);
      }
    }
  });
});
