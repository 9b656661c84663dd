import type { Pool2dParams } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { accumulatorFor } from './accumulator.js';

/**
 * Max and average pooling over [N, C, H, W] planes, with Torch's window rules: output index o
 * covers input [o * stride - pad, o * stride - pad + kernel), clipped to the input for max
 * (padded cells never win) and for summing; average pooling divides by the window clipped to
 * the padded input (countIncludePad) or by the number of real cells.
 */

/** Per output index along one axis: first and end input index, and the padded window size. */
interface Windows {
  start: Int32Array;
  end: Int32Array;
  padded: Int32Array;
}

function windows(outSize: number, inSize: number, kernel: number, stride: number, pad: number): Windows {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  const padded = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const s = o * stride - pad;
    // With ceilMode the last window may run past the right padding; Torch clips it there.
    const e = Math.min(s + kernel, inSize + pad);
    padded[o] = e - s;
    start[o] = Math.max(s, 0);
    end[o] = Math.min(e, inSize);
  }
  return { start, end, padded };
}

/** Geometry shared by the four kernels: planes = N * C, and the row/column windows. */
function geometry(input: readonly number[], output: readonly number[], p: Pool2dParams) {
  const [N, C, H, W] = input;
  const [, , Ho, Wo] = output;
  return {
    planes: N * C, H, W, Ho, Wo,
    rows: windows(Ho, H, p.kernelH, p.strideH, p.padH),
    cols: windows(Wo, W, p.kernelW, p.strideW, p.padW),
  };
}

/**
 * Index (within its plane) of the first maximum of one window; NaN counts as the maximum, as
 * in Torch. Returns -1 only for a window with no real cell, which the ops' pad ≤ kernel/2 rule
 * rules out.
 */
function windowArgmax(xd: ArrayLike<number>, base: number, W: number, h0: number, h1: number, w0: number, w1: number): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let h = h0; h < h1; h++) {
    for (let w = w0; w < w1; w++) {
      const v = xd[base + h * W + w];
      if (best < 0 || v > bestValue || (v !== v && bestValue === bestValue)) {
        best = h * W + w;
        bestValue = v;
      }
    }
  }
  return best;
}

export function maxPool2d(x: Tensor, y: Tensor, p: Pool2dParams): void {
  const { planes, H, W, Ho, Wo, rows, cols } = geometry(x.shape, y.shape, p);
  const xd = x.data;
  const yd = y.data;
  let yi = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++, yi++) {
        const i = windowArgmax(xd, base, W, rows.start[oh], rows.end[oh], cols.start[ow], cols.end[ow]);
        yd[yi] = i < 0 ? -Infinity : xd[base + i];
      }
    }
  }
}

/** dy of each window goes to the (first) maximum of that window, recomputed from x. */
export function maxPool2dBackward(x: Tensor, dy: Tensor, dx: Tensor, p: Pool2dParams): void {
  const { planes, H, W, Ho, Wo, rows, cols } = geometry(x.shape, dy.shape, p);
  const xd = x.data;
  const gd = dy.data;
  const { acc, commit } = accumulatorFor(dx);
  let gi = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++, gi++) {
        const i = windowArgmax(xd, base, W, rows.start[oh], rows.end[oh], cols.start[ow], cols.end[ow]);
        if (i >= 0) acc[base + i] += gd[gi];
      }
    }
  }
  commit();
}

function divisor(rows: Windows, cols: Windows, oh: number, ow: number, countIncludePad: boolean): number {
  return countIncludePad
    ? rows.padded[oh] * cols.padded[ow]
    : (rows.end[oh] - rows.start[oh]) * (cols.end[ow] - cols.start[ow]);
}

export function avgPool2d(x: Tensor, y: Tensor, p: Pool2dParams): void {
  const { planes, H, W, Ho, Wo, rows, cols } = geometry(x.shape, y.shape, p);
  const xd = x.data;
  const yd = y.data;
  let yi = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++, yi++) {
        let sum = 0;
        for (let h = rows.start[oh]; h < rows.end[oh]; h++) {
          for (let w = cols.start[ow]; w < cols.end[ow]; w++) sum += xd[base + h * W + w];
        }
        yd[yi] = sum / divisor(rows, cols, oh, ow, p.countIncludePad);
      }
    }
  }
}

/** Each dy spreads evenly (by the same divisor) over the real cells of its window. */
export function avgPool2dBackward(dy: Tensor, dx: Tensor, p: Pool2dParams): void {
  const { planes, H, W, Ho, Wo, rows, cols } = geometry(dx.shape, dy.shape, p);
  const gd = dy.data;
  const { acc, commit } = accumulatorFor(dx);
  let gi = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++, gi++) {
        const g = gd[gi] / divisor(rows, cols, oh, ow, p.countIncludePad);
        for (let h = rows.start[oh]; h < rows.end[oh]; h++) {
          for (let w = cols.start[ow]; w < cols.end[ow]; w++) acc[base + h * W + w] += g;
        }
      }
    }
  }
  commit();
}
