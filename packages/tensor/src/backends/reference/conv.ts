import type { Conv2dParams } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { accumulatorFor } from './accumulator.js';

/**
 * Direct 2-D convolution (cross-correlation, as in Torch): output pixel (oh, ow) reads input
 * rows ih = oh * strideH - padH + kh and columns iw = ow * strideW - padW + kw; taps that land
 * in the padding read zero, so the loops just skip them. The two backward kernels run the very
 * same loop nest and move the product the other way, which makes them exact adjoints.
 *
 * Layouts: x/dx [N, C, H, W], w/dw [O, C, kH, kW], y/dy [N, O, Ho, Wo], bias/db [O].
 */

/** y = conv(x, w) + bias. */
export function conv2d(x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, p: Conv2dParams): void {
  const [N, C, H, W] = x.shape;
  const [O, , kH, kW] = w.shape;
  const [, , Ho, Wo] = y.shape;
  const xd = x.data;
  const wd = w.data;
  const bd = bias ? bias.data : null;
  const yd = y.data;
  let yi = 0;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let oh = 0; oh < Ho; oh++) {
        const ih0 = oh * p.strideH - p.padH;
        const khLo = Math.max(0, -ih0);
        const khHi = Math.min(kH, H - ih0);
        for (let ow = 0; ow < Wo; ow++, yi++) {
          const iw0 = ow * p.strideW - p.padW;
          const kwLo = Math.max(0, -iw0);
          const kwHi = Math.min(kW, W - iw0);
          let acc = bd ? bd[o] : 0;
          for (let c = 0; c < C; c++) {
            for (let kh = khLo; kh < khHi; kh++) {
              const xRow = ((n * C + c) * H + ih0 + kh) * W + iw0;
              const wRow = ((o * C + c) * kH + kh) * kW;
              for (let kw = kwLo; kw < kwHi; kw++) acc += xd[xRow + kw] * wd[wRow + kw];
            }
          }
          yd[yi] = acc;
        }
      }
    }
  }
}

/**
 * dx = the adjoint of conv2d in x: every dy element is scattered back through the taps that
 * produced it. dx's shape fixes H and W; input pixels no window reaches get zero (which is what
 * a transposed convolution with output padding needs).
 */
export function conv2dBackwardData(dy: Tensor, w: Tensor, dx: Tensor, p: Conv2dParams): void {
  const [N, C, H, W] = dx.shape;
  const [O, , kH, kW] = w.shape;
  const [, , Ho, Wo] = dy.shape;
  const gd = dy.data;
  const wd = w.data;
  const { acc, commit } = accumulatorFor(dx);
  let gi = 0;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let oh = 0; oh < Ho; oh++) {
        const ih0 = oh * p.strideH - p.padH;
        const khLo = Math.max(0, -ih0);
        const khHi = Math.min(kH, H - ih0);
        for (let ow = 0; ow < Wo; ow++, gi++) {
          const iw0 = ow * p.strideW - p.padW;
          const kwLo = Math.max(0, -iw0);
          const kwHi = Math.min(kW, W - iw0);
          const g = gd[gi];
          for (let c = 0; c < C; c++) {
            for (let kh = khLo; kh < khHi; kh++) {
              const xRow = ((n * C + c) * H + ih0 + kh) * W + iw0;
              const wRow = ((o * C + c) * kH + kh) * kW;
              for (let kw = kwLo; kw < kwHi; kw++) acc[xRow + kw] += g * wd[wRow + kw];
            }
          }
        }
      }
    }
  }
  commit();
}

/** dw (and db) = the adjoint of conv2d in w (and bias); `accumulate` adds to their contents. */
export function conv2dBackwardFilter(
  x: Tensor, dy: Tensor, dw: Tensor, db: Tensor | null, p: Conv2dParams, accumulate: boolean,
): void {
  const [N, C, H, W] = x.shape;
  const [O, , kH, kW] = dw.shape;
  const [, , Ho, Wo] = dy.shape;
  const xd = x.data;
  const gd = dy.data;
  const w = accumulatorFor(dw, accumulate);
  const b = db ? accumulatorFor(db, accumulate) : null;
  let gi = 0;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let oh = 0; oh < Ho; oh++) {
        const ih0 = oh * p.strideH - p.padH;
        const khLo = Math.max(0, -ih0);
        const khHi = Math.min(kH, H - ih0);
        for (let ow = 0; ow < Wo; ow++, gi++) {
          const iw0 = ow * p.strideW - p.padW;
          const kwLo = Math.max(0, -iw0);
          const kwHi = Math.min(kW, W - iw0);
          const g = gd[gi];
          if (b) b.acc[o] += g;
          for (let c = 0; c < C; c++) {
            for (let kh = khLo; kh < khHi; kh++) {
              const xRow = ((n * C + c) * H + ih0 + kh) * W + iw0;
              const wRow = ((o * C + c) * kH + kh) * kW;
              for (let kw = kwLo; kw < kwHi; kw++) w.acc[wRow + kw] += g * xd[xRow + kw];
            }
          }
        }
      }
    }
  }
  w.commit();
  b?.commit();
}
