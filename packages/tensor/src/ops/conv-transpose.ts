import type { Conv2dParams } from '../backend.js';
import { zeros } from '../creation.js';
import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { type Shape, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { type Conv2dOptions, convParams, type FilterGradients } from './conv.js';
import {
  checkLive,
  checkRank,
  checkShapeArg,
  checkShapeEquals,
  commonDType,
  output,
  pair,
  withShapes,
} from './validate.js';

/**
 * Transposed 2-D convolution (Torch SpatialFullConvolution), built from the convolution
 * kernels because it is the adjoint of a convolution: with the weight w [Cin, Cout, kH, kW]
 * read as a convolution weight [O = Cin, C = Cout, kH, kW],
 *   forward        = conv2dBackwardData (scatter x through w),
 *   backward-data  = conv2d (gather dy through w),
 *   backward-weight = conv2dBackwardFilter with the roles of x and dy swapped.
 * Output size: (H - 1) * stride - 2 * padding + kH + outputPadding, where outputPadding
 * (Torch's adjH/adjW, < stride) picks among the sizes a strided convolution maps to H.
 */

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** Extra rows/columns at the bottom/right: a number or [h, w], each < stride; default 0. */
  outputPadding?: number | readonly [number, number];
}

/** Output size of a transposed convolution along one axis. */
export function convTranspose2dOutputSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  outputPadding = 0,
): number {
  return (size - 1) * stride - 2 * pad + kernel + outputPadding;
}

function params(
  op: string,
  opts: ConvTranspose2dOptions,
  shapes: readonly Shape[],
): { p: Conv2dParams; adjH: number; adjW: number } {
  const p = convParams(op, opts, shapes);
  const [adjH, adjW] = pair(op, 'outputPadding', opts.outputPadding ?? 0, false, shapes);
  if (adjH >= p.strideH || adjW >= p.strideW) {
    throw new ShapeError(
      op,
      `outputPadding ${adjH}×${adjW} must be smaller than stride ${p.strideH}×${p.strideW}${withShapes(shapes)}`,
      shapes,
    );
  }
  return { p, adjH, adjW };
}

/** The output shape for x [N, Cin, H, W] and w [Cin, Cout, kH, kW]. */
function outputShape(op: string, x: Shape, w: Shape, p: Conv2dParams, adjH: number, adjW: number): number[] {
  if (x.length !== 4)
    throw new ShapeError(op, `input must be [N, C, H, W], got ${formatShape(x)} (weight ${formatShape(w)})`, [x, w]);
  if (w.length !== 4)
    throw new ShapeError(op, `weight must be [Cin, Cout, kH, kW], got ${formatShape(w)} (input ${formatShape(x)})`, [
      w,
      x,
    ]);
  const [N, C, H, W] = x;
  const [Cin, Cout, kH, kW] = w;
  if (C !== Cin)
    throw new ShapeError(op, `input channels ${C} do not match weight ${formatShape(w)} for input ${formatShape(x)}`, [
      x,
      w,
    ]);
  const Ho = convTranspose2dOutputSize(H, kH, p.strideH, p.padH, adjH);
  const Wo = convTranspose2dOutputSize(W, kW, p.strideW, p.padW, adjW);
  if (Ho <= 0 || Wo <= 0 || H === 0 || W === 0 || kH === 0 || kW === 0) {
    throw new ShapeError(
      op,
      `output size ${Ho}×${Wo} is not positive for input ${formatShape(x)}, weight ${formatShape(w)}, stride ${p.strideH}×${p.strideW}, padding ${p.padH}×${p.padW}`,
      [x, w],
    );
  }
  return [N, Cout, Ho, Wo];
}

/** y [N, Cout, Ho, Wo] = transposed convolution of x [N, Cin, H, W] with w [Cin, Cout, kH, kW], plus bias [Cout]. */
export function convTranspose2d(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  opts: ConvTranspose2dOptions = {},
  out?: Tensor,
): Tensor {
  const op = 'convTranspose2d';
  checkLive(op, x, w, bias);
  const { p, adjH, adjW } = params(op, opts, [x.shape, w.shape]);
  const shape = outputShape(op, x.shape, w.shape, p, adjH, adjW);
  const Cout = shape[1];
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== Cout)) {
    throw new ShapeError(
      op,
      `bias ${formatShape(bias.shape)} must be [${Cout}] (input ${formatShape(x.shape)}, weight ${formatShape(w.shape)})`,
      [bias.shape, x.shape, w.shape],
    );
  }
  const y = output(op, shape, commonDType(op, [x, w, bias, out]), out, [x, w, bias]);
  const backend = getBackend();
  backend.conv2dBackwardData(x, w, y, p);
  if (bias !== null) {
    const b = bias.reshape([1, Cout, 1, 1]);
    backend.binary('add', y, b, y);
    b.dispose();
  }
  return y;
}

/** dx [N, Cin, H, W] (= inputShape): the gradient of convTranspose2d with respect to its input. */
export function convTranspose2dBackwardData(
  dy: Tensor,
  w: Tensor,
  inputShape: Shape,
  opts: ConvTranspose2dOptions = {},
  out?: Tensor,
): Tensor {
  const op = 'convTranspose2dBackwardData';
  checkLive(op, dy, w);
  const { p, adjH, adjW } = params(op, opts, [dy.shape, w.shape]);
  checkShapeArg(op, 'inputShape', inputShape, 4, [dy.shape, w.shape]);
  checkRank(op, 'weight', w, 4, [dy.shape, inputShape]);
  const expected = outputShape(op, inputShape, w.shape, p, adjH, adjW);
  if (!sameShape(expected, dy.shape)) {
    throw new ShapeError(
      op,
      `dy ${formatShape(dy.shape)} does not match the output ${formatShape(expected)} of input ${formatShape(inputShape)} and weight ${formatShape(w.shape)}`,
      [dy.shape, inputShape, w.shape],
    );
  }
  const dx = output(op, inputShape, commonDType(op, [dy, w, out]), out, [dy, w]);
  getBackend().conv2d(dy, w, null, dx, p);
  return dx;
}

/** dw [Cin, Cout, kH, kW] (= wShape) and db [Cout]: gradients of convTranspose2d. */
export function convTranspose2dBackwardFilter(
  x: Tensor,
  dy: Tensor,
  wShape: Shape,
  opts: ConvTranspose2dOptions = {},
  grads: FilterGradients = {},
): { dw: Tensor; db: Tensor | null } {
  const op = 'convTranspose2dBackwardFilter';
  checkLive(op, x, dy);
  const { p, adjH, adjW } = params(op, opts, [x.shape, dy.shape]);
  checkShapeArg(op, 'wShape', wShape, 4, [x.shape, dy.shape]);
  checkRank(op, 'input', x, 4, [dy.shape, wShape]);
  checkRank(op, 'dy', dy, 4, [x.shape, wShape]);
  const expected = outputShape(op, x.shape, wShape, p, adjH, adjW);
  if (!sameShape(expected, dy.shape)) {
    throw new ShapeError(
      op,
      `dy ${formatShape(dy.shape)} does not match the output ${formatShape(expected)} of input ${formatShape(x.shape)} and weight ${formatShape(wShape)}`,
      [dy.shape, x.shape, wShape],
    );
  }
  const Cout = wShape[1];
  const dtype = commonDType(op, [x, dy, grads.dw, grads.db]);
  // Name the gradient in the error rather than calling it `out`.
  if (grads.dw) checkShapeEquals(op, 'dw', grads.dw, wShape, [x.shape, dy.shape]);
  if (grads.db) checkShapeEquals(op, 'db', grads.db, [Cout], [x.shape, dy.shape]);
  const accumulate = grads.accumulate ?? false;
  const fresh = (shape: Shape) => (accumulate ? zeros(shape, dtype) : undefined);
  const dw = output(op, wShape, dtype, grads.dw ?? fresh(wShape), [x, dy]);
  const db = grads.db === null ? null : output(op, [Cout], dtype, grads.db ?? fresh([Cout]), [x, dy, dw]);
  const backend = getBackend();
  // Roles swapped: dy plays the convolution's input, x its output gradient.
  backend.conv2dBackwardFilter(dy, x, dw, null, p, accumulate);
  if (db !== null) {
    // The bias adds to every output pixel of its channel, so its gradient sums dy over N, H, W.
    const sums = Tensor.empty([1, Cout, 1, 1], dtype);
    const flat = sums.reshape([Cout]);
    backend.reduce('sum', dy, [0, 2, 3], sums);
    backend.axpby(1, flat, accumulate ? 1 : 0, db);
    flat.dispose();
    sums.dispose();
  }
  return { dw, db };
}
