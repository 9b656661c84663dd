import type { ConvEpilogue } from '../backend.js';
import { zeros } from '../creation.js';
import type { DType } from '../dtype.js';
import { getBackend } from '../engine.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type Conv2dOptions, checkBias, checkGradOutput, convOutputShape, convParams } from './conv-geometry.js';
import { add, addRelu, threshold } from './elementwise.js';
import { checkLive, checkRank, checkShapeArg, checkShapeEquals, commonDType, output } from './validate.js';

/**
 * 2-D convolution (Torch SpatialConvolution semantics, a cross-correlation) and its two
 * gradients. Layouts: x [N, C, H, W], w [O, C, kH, kW], bias [O], y [N, O, Ho, Wo]. Shapes and
 * options are checked in conv-geometry.ts, which the transposed convolution shares.
 */

/** What conv2d does to its result before storing it (its epilogue). */
export interface Conv2dEpilogueOptions {
  /**
   * Added to the result after the bias (y's shape, y's dtype, not sharing memory with x or the
   * output): the residual join of a ResNet block, fused into the convolution in inference.
   */
  residual?: Tensor;
  /** Rectify the result, after the residual: max(0, ·), with relu(NaN) = 0. */
  relu?: boolean;
}

/**
 * y = conv(x, w) + bias, then, when asked, + residual and ReLU in the same pass (a backend
 * without a fused epilogue gets them as separate kernels: the same values, one more pass).
 */
export function conv2d(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  opts: Conv2dOptions & Conv2dEpilogueOptions = {},
  out?: Tensor,
): Tensor {
  checkLive('conv2d', x, w);
  const p = convParams('conv2d', opts, [x.shape, w.shape]);
  const shape = convOutputShape('conv2d', x.shape, w.shape, p);
  checkBias('conv2d', bias, w.shape[0], [x.shape, w.shape]);
  const residual = opts.residual ?? null;
  const dtype = commonDType('conv2d', [x, w, bias, out, residual]);
  const y = output('conv2d', shape, dtype, out, [x, w, bias]);
  if (residual) {
    checkLive('conv2d', residual);
    checkShapeEquals('conv2d', 'residual', residual, shape, [x.shape, w.shape]);
    if (residual.sharesStorageWith(y) || residual.sharesStorageWith(x))
      throw new RangeError('conv2d: the residual must not share memory with the input or the output');
  }
  const relu = opts.relu ?? false;
  const backend = getBackend();
  if (!residual && !relu) backend.conv2d(x, w, bias, y, p);
  else if (backend.convEpilogue) backend.conv2d(x, w, bias, y, p, { residual, relu } satisfies ConvEpilogue);
  else {
    backend.conv2d(x, w, bias, y, p);
    if (residual) (relu ? addRelu : add)(y, residual, y);
    else threshold(y, 0, 0, y);
  }
  return y;
}

/** dx [N, C, H, W] (= inputShape): the gradient of conv2d with respect to its input. */
export function conv2dBackwardData(
  dy: Tensor,
  w: Tensor,
  inputShape: Shape,
  opts: Conv2dOptions = {},
  out?: Tensor,
): Tensor {
  checkLive('conv2dBackwardData', dy, w);
  const p = convParams('conv2dBackwardData', opts, [dy.shape, w.shape]);
  checkRank('conv2dBackwardData', 'weight', w, 4, [dy.shape]);
  checkGradOutput('conv2dBackwardData', dy, inputShape, w.shape, p);
  const dx = output('conv2dBackwardData', inputShape, commonDType('conv2dBackwardData', [dy, w, out]), out, [dy, w]);
  getBackend().conv2dBackwardData(dy, w, dx, p);
  return dx;
}

/** Where `conv2dBackwardFilter` writes the weight and bias gradients, and whether it adds to them. */
export interface FilterGradients {
  /** Where to write dw; allocated when undefined. */
  dw?: Tensor;
  /** Where to write db; allocated when undefined, not computed when null. */
  db?: Tensor | null;
  /** Add to dw and db instead of overwriting them (parameter gradients over several calls). */
  accumulate?: boolean;
}

/** dw [O, C, kH, kW] (= wShape) and db [O]: the gradients of conv2d with respect to weight and bias. */
export function conv2dBackwardFilter(
  x: Tensor,
  dy: Tensor,
  wShape: Shape,
  opts: Conv2dOptions = {},
  grads: FilterGradients = {},
): { dw: Tensor; db: Tensor | null } {
  const op = 'conv2dBackwardFilter';
  checkLive(op, x, dy);
  const p = convParams(op, opts, [x.shape, dy.shape]);
  checkShapeArg(op, 'wShape', wShape, 4, [x.shape, dy.shape]);
  checkRank(op, 'input', x, 4, [dy.shape, wShape]);
  checkGradOutput(op, dy, x.shape, wShape, p);
  const { dw, db, accumulate } = filterGradientOutputs(op, x, dy, wShape, wShape[0], grads);
  getBackend().conv2dBackwardFilter(x, dy, dw, db, p, accumulate);
  return { dw, db };
}

/**
 * The outputs of a filter gradient (conv2dBackwardFilter, convTranspose2dBackwardFilter): dw
 * [= wShape] and db [channels] (none when grads.db is null), checked when given, else allocated
 * — zeroed when accumulating, so that "add to" has a defined start.
 */
export function filterGradientOutputs(
  op: string,
  x: Tensor,
  dy: Tensor,
  wShape: Shape,
  channels: number,
  grads: FilterGradients,
): { dw: Tensor; db: Tensor | null; accumulate: boolean; dtype: DType } {
  const dtype = commonDType(op, [x, dy, grads.dw, grads.db]);
  // Name the gradient in the error rather than calling it `out`.
  if (grads.dw) checkShapeEquals(op, 'dw', grads.dw, wShape, [x.shape, dy.shape]);
  if (grads.db) checkShapeEquals(op, 'db', grads.db, [channels], [x.shape, dy.shape]);
  const accumulate = grads.accumulate ?? false;
  const fresh = (shape: Shape) => (accumulate ? zeros(shape, dtype) : undefined);
  const dw = output(op, wShape, dtype, grads.dw ?? fresh(wShape), [x, dy]);
  const db = grads.db === null ? null : output(op, [channels], dtype, grads.db ?? fresh([channels]), [x, dy, dw]);
  return { dw, db, accumulate, dtype };
}
