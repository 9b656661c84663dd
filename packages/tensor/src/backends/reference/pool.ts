import type { Pool2dParams } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { accumulatorFor } from './accumulator.js';

/**
 * Max and average pooling over [N, C, H, W] planes, with Torch's window rules: output index o
 * covers input [o * stride - pad, o * stride - pad + kernel), clipped to the input for max
 * (padded cells never win) and for summing; average pooling divides by the window clipped to
 * the padded input (countIncludePad) or by the number of real cells. The four kernels share
 * one walk over the windows (`forEachWindow`); each says only what it does with a window.
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

/** The real input cells of one output cell's window, as flat indices into the input. */
interface Window {
  /** Flat index of the plane's first cell. */
  base: number;
  /** Row length of the input plane. */
  W: number;
  h0: number;
  h1: number;
  w0: number;
  w1: number;
  /** What average pooling divides by: the padded window or the real cells (countIncludePad). */
  divisor: number;
}

/**
 * Calls visit(o, window) for every output cell o of [N, C, Ho, Wo] in order. The window object
 * is reused from call to call (no allocation per cell), so visit must not keep it.
 */
function forEachWindow(
  input: readonly number[],
  output: readonly number[],
  p: Pool2dParams,
  visit: (o: number, win: Window) => void,
): void {
  const [N, C, H, W] = input;
  const [, , Ho, Wo] = output;
  const rows = windows(Ho, H, p.kernelH, p.strideH, p.padH);
  const cols = windows(Wo, W, p.kernelW, p.strideW, p.padW);
  const win: Window = { base: 0, W, h0: 0, h1: 0, w0: 0, w1: 0, divisor: 1 };
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    win.base = plane * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      win.h0 = rows.start[oh];
      win.h1 = rows.end[oh];
      for (let ow = 0; ow < Wo; ow++, o++) {
        win.w0 = cols.start[ow];
        win.w1 = cols.end[ow];
        win.divisor = p.countIncludePad ? rows.padded[oh] * cols.padded[ow] : (win.h1 - win.h0) * (win.w1 - win.w0);
        visit(o, win);
      }
    }
  }
}

/** Calls cell(i) for the flat input index i of every real cell of a window, row by row. */
function forEachCell(win: Window, cell: (i: number) => void): void {
  for (let h = win.h0; h < win.h1; h++) {
    for (let w = win.w0; w < win.w1; w++) cell(win.base + h * win.W + w);
  }
}

/**
 * Flat index of the first maximum of one window; NaN counts as the maximum, as in Torch.
 * Returns -1 only for a window with no real cell, which the ops' pad ≤ kernel/2 rule rules out.
 */
function windowArgmax(xd: ArrayLike<number>, win: Window): number {
  let best = -1;
  let bestValue = -Infinity;
  forEachCell(win, (i) => {
    const v = xd[i];
    if (best < 0 || v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
      best = i;
      bestValue = v;
    }
  });
  return best;
}

export function maxPool2d(x: Tensor, y: Tensor, p: Pool2dParams): void {
  const xd = x.data;
  const yd = y.data;
  forEachWindow(x.shape, y.shape, p, (o, win) => {
    const i = windowArgmax(xd, win);
    yd[o] = i < 0 ? -Infinity : xd[i];
  });
}

/** dy of each window goes to the (first) maximum of that window, recomputed from x. */
export function maxPool2dBackward(x: Tensor, dy: Tensor, dx: Tensor, p: Pool2dParams): void {
  const xd = x.data;
  const gd = dy.data;
  const { acc, commit } = accumulatorFor(dx);
  forEachWindow(x.shape, dy.shape, p, (o, win) => {
    const i = windowArgmax(xd, win);
    if (i >= 0) acc[i] += gd[o];
  });
  commit();
}

export function avgPool2d(x: Tensor, y: Tensor, p: Pool2dParams): void {
  const xd = x.data;
  const yd = y.data;
  forEachWindow(x.shape, y.shape, p, (o, win) => {
    let sum = 0;
    forEachCell(win, (i) => (sum += xd[i]));
    yd[o] = sum / win.divisor;
  });
}

/** Each dy spreads evenly (by the same divisor) over the real cells of its window. */
export function avgPool2dBackward(dy: Tensor, dx: Tensor, p: Pool2dParams): void {
  const gd = dy.data;
  const { acc, commit } = accumulatorFor(dx);
  forEachWindow(dx.shape, dy.shape, p, (o, win) => {
    const g = gd[o] / win.divisor;
    forEachCell(win, (i) => (acc[i] += g));
  });
  commit();
}
