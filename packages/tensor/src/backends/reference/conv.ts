import type { Conv2dParams, ConvEpilogue } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { accumulatorFor } from './accumulator.js';

/**
 * Direct 2-D convolution (cross-correlation, as in Torch): output pixel (oh, ow) reads input
 * row ih = oh * strideH - padH + kh and column iw = ow * strideW - padW + kw; taps that land in
 * the padding read zero, so the loops skip them. The two backward kernels run the very same
 * loop nest and move the product the other way, which makes them exact adjoints.
 *
 * Loop order: n, o, c, kh, kw outside, then the output rows and columns, so that the innermost
 * loop runs along a whole output row instead of over 3 kernel taps (about 4× faster in JS,
 * which matters because these loops also run whole-layer float64 gradient checks).
 *
 * Layouts: x/dx [N, C, H, W], w/dw [O, C, kH, kW], y/dy [N, O, Ho, Wo], bias/db [O].
 */

/**
 * For each kernel offset k along one axis, the output indices [lo[k], hi[k]) whose input index
 * o * stride - pad + k falls inside [0, inSize): the rest read padding.
 */
export function validOutputRange(
  outSize: number,
  inSize: number,
  kernel: number,
  stride: number,
  pad: number,
): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(kernel);
  const hi = new Int32Array(kernel);
  for (let k = 0; k < kernel; k++) {
    // 0 ≤ o * stride - pad + k  ⇔  o ≥ (pad - k) / stride;  o * stride - pad + k < inSize  ⇔  o < (inSize + pad - k) / stride
    lo[k] = Math.min(outSize, Math.max(0, Math.ceil((pad - k) / stride)));
    hi[k] = Math.max(lo[k], Math.min(outSize, Math.ceil((inSize + pad - k) / stride)));
  }
  return { lo, hi };
}

function geometry(x: readonly number[], w: readonly number[], y: readonly number[], p: Conv2dParams) {
  const [N, C, H, W] = x;
  const [O, , kH, kW] = w;
  const [, , Ho, Wo] = y;
  return {
    N,
    C,
    H,
    W,
    O,
    kH,
    kW,
    Ho,
    Wo,
    rows: validOutputRange(Ho, H, kH, p.strideH, p.padH),
    cols: validOutputRange(Wo, W, kW, p.strideW, p.padW),
  };
}

/**
 * y = conv(x, w) + bias, each output plane accumulated in float64; then the epilogue on that
 * float64 plane: + residual, ReLU (as threshold: relu(NaN) = 0).
 */
export function conv2d(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  y: Tensor,
  p: Conv2dParams,
  epilogue: ConvEpilogue = { residual: null, relu: false },
): void {
  const { N, C, H, W, O, kH, kW, Ho, Wo, rows, cols } = geometry(x.shape, w.shape, y.shape, p);
  const { strideH: sH, strideW: sW, padH, padW } = p;
  const xd = x.data;
  const wd = w.data;
  const yd = y.data;
  const plane = new Float64Array(Ho * Wo);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      plane.fill(bias ? bias.data[o] : 0);
      for (let c = 0; c < C; c++) {
        for (let kh = 0; kh < kH; kh++) {
          for (let kw = 0; kw < kW; kw++) {
            const wv = wd[((o * C + c) * kH + kh) * kW + kw];
            for (let oh = rows.lo[kh]; oh < rows.hi[kh]; oh++) {
              const xRow = ((n * C + c) * H + oh * sH - padH + kh) * W - padW + kw;
              const yRow = oh * Wo;
              for (let ow = cols.lo[kw]; ow < cols.hi[kw]; ow++) plane[yRow + ow] += wv * xd[xRow + ow * sW];
            }
          }
        }
      }
      const at = (n * O + o) * Ho * Wo;
      const res = epilogue.residual?.data;
      if (res) for (let i = 0; i < plane.length; i++) plane[i] += res[at + i];
      if (epilogue.relu) for (let i = 0; i < plane.length; i++) if (!(plane[i] > 0)) plane[i] = 0;
      yd.set(plane, at);
    }
  }
}

/**
 * dx = the adjoint of conv2d in x: every dy element is scattered back through the taps that
 * produced it. dx's shape fixes H and W; input pixels no window reaches get zero (which is what
 * a transposed convolution with output padding needs).
 */
export function conv2dBackwardData(dy: Tensor, w: Tensor, dx: Tensor, p: Conv2dParams): void {
  const { N, C, H, W, O, kH, kW, Ho, Wo, rows, cols } = geometry(dx.shape, w.shape, dy.shape, p);
  const { strideH: sH, strideW: sW, padH, padW } = p;
  const gd = dy.data;
  const wd = w.data;
  const { acc, commit } = accumulatorFor(dx);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const gPlane = (n * O + o) * Ho * Wo;
      for (let c = 0; c < C; c++) {
        for (let kh = 0; kh < kH; kh++) {
          for (let kw = 0; kw < kW; kw++) {
            const wv = wd[((o * C + c) * kH + kh) * kW + kw];
            for (let oh = rows.lo[kh]; oh < rows.hi[kh]; oh++) {
              const xRow = ((n * C + c) * H + oh * sH - padH + kh) * W - padW + kw;
              const gRow = gPlane + oh * Wo;
              for (let ow = cols.lo[kw]; ow < cols.hi[kw]; ow++) acc[xRow + ow * sW] += wv * gd[gRow + ow];
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
  x: Tensor,
  dy: Tensor,
  dw: Tensor,
  db: Tensor | null,
  p: Conv2dParams,
  accumulate: boolean,
): void {
  const { N, C, H, W, O, kH, kW, Ho, Wo, rows, cols } = geometry(x.shape, dw.shape, dy.shape, p);
  const { strideH: sH, strideW: sW, padH, padW } = p;
  const xd = x.data;
  const gd = dy.data;
  const wAcc = accumulatorFor(dw, accumulate);
  const bAcc = db ? accumulatorFor(db, accumulate) : null;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const gPlane = (n * O + o) * Ho * Wo;
      if (bAcc) for (let i = 0; i < Ho * Wo; i++) bAcc.acc[o] += gd[gPlane + i];
      for (let c = 0; c < C; c++) {
        for (let kh = 0; kh < kH; kh++) {
          for (let kw = 0; kw < kW; kw++) {
            let sum = 0;
            for (let oh = rows.lo[kh]; oh < rows.hi[kh]; oh++) {
              const xRow = ((n * C + c) * H + oh * sH - padH + kh) * W - padW + kw;
              const gRow = gPlane + oh * Wo;
              for (let ow = cols.lo[kw]; ow < cols.hi[kw]; ow++) sum += gd[gRow + ow] * xd[xRow + ow * sW];
            }
            wAcc.acc[((o * C + c) * kH + kh) * kW + kw] += sum;
          }
        }
      }
    }
  }
  wAcc.commit();
  bAcc?.commit();
}
