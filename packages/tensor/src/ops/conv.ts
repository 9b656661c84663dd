import type { Conv2dParams } from '../backend.js';
import { zeros } from '../creation.js';
import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { type Shape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
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
 * 2-D convolution (Torch SpatialConvolution semantics, a cross-correlation) and its two
 * gradients. Layouts: x [N, C, H, W], w [O, C, kH, kW], bias [O], y [N, O, Ho, Wo].
 */

export interface Conv2dOptions {
  /** Step between windows: a number or [h, w]; default 1. */
  stride?: number | readonly [number, number];
  /** Zero padding on each side: a number or [h, w]; default 0. */
  padding?: number | readonly [number, number];
}

/** Output size of a convolution along one axis: floor((size + 2 pad - kernel) / stride) + 1. */
export function conv2dOutputSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/** Kernel parameters from user options, validated (stride ≥ 1, padding ≥ 0, integers). */
export function convParams(op: string, opts: Conv2dOptions, shapes: readonly Shape[]): Conv2dParams {
  const [strideH, strideW] = pair(op, 'stride', opts.stride ?? 1, true, shapes);
  const [padH, padW] = pair(op, 'padding', opts.padding ?? 0, false, shapes);
  return { strideH, strideW, padH, padW };
}

/**
 * The output shape of conv(x [N, C, H, W], w [O, C, kH, kW]); checks ranks, channels and that
 * the output is not empty. `names` lets the transposed convolution reuse it with its own words.
 */
export function conv2dShape(
  op: string,
  x: Shape,
  w: Shape,
  p: Conv2dParams,
  names = { x: 'input', w: 'weight' },
): number[] {
  if (x.length !== 4)
    throw new ShapeError(op, `${names.x} must be [N, C, H, W], got ${formatShape(x)} (${names.w} ${formatShape(w)})`, [
      x,
      w,
    ]);
  if (w.length !== 4)
    throw new ShapeError(op, `${names.w} must have rank 4, got ${formatShape(w)} (${names.x} ${formatShape(x)})`, [
      w,
      x,
    ]);
  const [N, C, H, W] = x;
  const [O, Cw, kH, kW] = w;
  if (C !== Cw)
    throw new ShapeError(
      op,
      `${names.x} channels ${C} do not match ${names.w} ${formatShape(w)} for ${names.x} ${formatShape(x)}`,
      [x, w],
    );
  const Ho = conv2dOutputSize(H, kH, p.strideH, p.padH);
  const Wo = conv2dOutputSize(W, kW, p.strideW, p.padW);
  if (Ho <= 0 || Wo <= 0 || kH === 0 || kW === 0) {
    throw new ShapeError(
      op,
      `output size ${Ho}×${Wo} is not positive for ${names.x} ${formatShape(x)}, ${names.w} ${formatShape(w)}, stride ${p.strideH}×${p.strideW}, padding ${p.padH}×${p.padW}`,
      [x, w],
    );
  }
  return [N, O, Ho, Wo];
}

function checkBias(op: string, bias: Tensor | null, channels: number, shapes: readonly Shape[]): void {
  if (bias === null) return;
  checkLive(op, bias);
  if (bias.rank !== 1 || bias.shape[0] !== channels) {
    throw new ShapeError(op, `bias ${formatShape(bias.shape)} must be [${channels}]${withShapes(shapes)}`, [
      bias.shape,
      ...shapes,
    ]);
  }
}

/** y = conv(x, w) + bias. */
export function conv2d(x: Tensor, w: Tensor, bias: Tensor | null, opts: Conv2dOptions = {}, out?: Tensor): Tensor {
  checkLive('conv2d', x, w);
  const p = convParams('conv2d', opts, [x.shape, w.shape]);
  const shape = conv2dShape('conv2d', x.shape, w.shape, p);
  checkBias('conv2d', bias, w.shape[0], [x.shape, w.shape]);
  const y = output('conv2d', shape, commonDType('conv2d', [x, w, bias, out]), out, [x, w, bias]);
  getBackend().conv2d(x, w, bias, y, p);
  return y;
}

/** Checks dy against the conv2d output for inputShape and w (the backward ops' contract). */
function checkGradOutput(op: string, dy: Tensor, inputShape: Shape, w: Shape, p: Conv2dParams): void {
  checkShapeArg(op, 'inputShape', inputShape, 4, [dy.shape, w]);
  checkRank(op, 'dy', dy, 4, [inputShape, w]);
  const expected = conv2dShape(op, inputShape, w, p);
  if (!sameShape(expected, dy.shape)) {
    throw new ShapeError(
      op,
      `dy ${formatShape(dy.shape)} does not match the output ${formatShape(expected)} of input ${formatShape(inputShape)} and weight ${formatShape(w)}`,
      [dy.shape, inputShape, w],
    );
  }
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
  const dtype = commonDType(op, [x, dy, grads.dw, grads.db]);
  // Name the gradient in the error rather than calling it `out`.
  if (grads.dw) checkShapeEquals(op, 'dw', grads.dw, wShape, [x.shape, dy.shape]);
  if (grads.db) checkShapeEquals(op, 'db', grads.db, [wShape[0]], [x.shape, dy.shape]);
  const accumulate = grads.accumulate ?? false;
  // Fresh gradients are zeroed when accumulating so that "add to" has a defined start.
  const fresh = (shape: Shape) => (accumulate ? zeros(shape, dtype) : undefined);
  const dw = output(op, wShape, dtype, grads.dw ?? fresh(wShape), [x, dy]);
  const db = grads.db === null ? null : output(op, [wShape[0]], dtype, grads.db ?? fresh([wShape[0]]), [x, dy, dw]);
  getBackend().conv2dBackwardFilter(x, dy, dw, db, p, accumulate);
  return { dw, db };
}
