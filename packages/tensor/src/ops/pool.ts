import type { Pool2dParams } from '../backend.js';
import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { type Shape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkLive, checkRank, checkShapeArg, commonDType, output, pair, withShapes } from './validate.js';

/** Max and average pooling over x [N, C, H, W] (Torch SpatialMaxPooling / SpatialAveragePooling). */

export interface Pool2dOptions {
  /** Window size: a number or [h, w]. */
  kernel: number | readonly [number, number];
  /** Step between windows; defaults to the kernel size. */
  stride?: number | readonly [number, number];
  /** Implicit padding on each side (never wins a max); at most half the kernel. Default 0. */
  padding?: number | readonly [number, number];
  /** Round the output size up (Torch's :ceil()); the last window must still start inside the input or left padding. */
  ceilMode?: boolean;
  /** Average pooling: divide by the whole window including padding (default, as Torch) or by the real cells. */
  countIncludePad?: boolean;
}

/**
 * Output size along one axis: floor (or ceil) of (size + 2 pad - kernel) / stride, plus 1. In
 * ceil mode a last window that would start in the right padding is dropped (Torch's rule).
 */
export function pool2dOutputSize(size: number, kernel: number, stride: number, pad: number, ceilMode = false): number {
  const span = size + 2 * pad - kernel;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** Validated kernel parameters and the output shape for an input of `inputShape`. */
function poolGeometry(
  op: string,
  inputShape: Shape,
  opts: Pool2dOptions,
  shapes: readonly Shape[],
): { p: Pool2dParams; shape: number[] } {
  if (opts === null || typeof opts !== 'object' || opts.kernel === undefined) {
    throw new Error(`${op}: options must include a kernel size${withShapes(shapes)}`);
  }
  const [kernelH, kernelW] = pair(op, 'kernel', opts.kernel, true, shapes);
  const [strideH, strideW] = pair(op, 'stride', opts.stride ?? opts.kernel, true, shapes);
  const [padH, padW] = pair(op, 'padding', opts.padding ?? 0, false, shapes);
  if (2 * padH > kernelH || 2 * padW > kernelW) {
    throw new ShapeError(
      op,
      `padding ${padH}×${padW} must be at most half the kernel ${kernelH}×${kernelW}${withShapes(shapes)}`,
      shapes,
    );
  }
  const p: Pool2dParams = {
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    ceilMode: opts.ceilMode ?? false,
    countIncludePad: opts.countIncludePad ?? true,
  };
  const [N, C, H, W] = inputShape;
  const Ho = pool2dOutputSize(H, kernelH, strideH, padH, p.ceilMode);
  const Wo = pool2dOutputSize(W, kernelW, strideW, padW, p.ceilMode);
  if (Ho <= 0 || Wo <= 0) {
    throw new ShapeError(
      op,
      `output size ${Ho}×${Wo} is not positive for input ${formatShape(inputShape)} with kernel ${kernelH}×${kernelW}, stride ${strideH}×${strideW}, padding ${padH}×${padW}${withShapes(shapes.slice(1))}`,
      shapes,
    );
  }
  return { p, shape: [N, C, Ho, Wo] };
}

function checkDy(op: string, dy: Tensor, expected: Shape, inputShape: Shape): void {
  if (!sameShape(dy.shape, expected)) {
    throw new ShapeError(
      op,
      `dy ${formatShape(dy.shape)} does not match the output ${formatShape(expected)} of input ${formatShape(inputShape)}`,
      [dy.shape, inputShape],
    );
  }
}

/**
 * The maximum of each window of x [N, C, H, W], giving [N, C, Ho, Wo] (Torch SpatialMaxPooling):
 * padded cells never win, and a NaN in a window wins. Throws a ShapeError when the windows do not fit.
 *
 * @example
 * ```ts
 * const y = maxPool2d(x, { kernel: 2 }); // [N, C, 32, 32] → [N, C, 16, 16]
 * ```
 */
export function maxPool2d(x: Tensor, opts: Pool2dOptions, out?: Tensor): Tensor {
  checkLive('maxPool2d', x);
  checkRank('maxPool2d', 'input', x, 4);
  const { p, shape } = poolGeometry('maxPool2d', x.shape, opts, [x.shape]);
  const y = output('maxPool2d', shape, commonDType('maxPool2d', [x, out]), out, [x]);
  getBackend().maxPool2d(x, y, p);
  return y;
}

/** dx: each dy goes to the first maximum of its window in x. */
export function maxPool2dBackward(x: Tensor, dy: Tensor, opts: Pool2dOptions, out?: Tensor): Tensor {
  const op = 'maxPool2dBackward';
  checkLive(op, x, dy);
  checkRank(op, 'input', x, 4, [dy.shape]);
  checkRank(op, 'dy', dy, 4, [x.shape]);
  const { p, shape } = poolGeometry(op, x.shape, opts, [x.shape, dy.shape]);
  checkDy(op, dy, shape, x.shape);
  const dx = output(op, x.shape, commonDType(op, [x, dy, out]), out, [x, dy]);
  getBackend().maxPool2dBackward(x, dy, dx, p);
  return dx;
}

/**
 * The mean of each window of x [N, C, H, W], giving [N, C, Ho, Wo] (Torch SpatialAveragePooling),
 * dividing by the whole window including padding unless `countIncludePad` is false.
 */
export function avgPool2d(x: Tensor, opts: Pool2dOptions, out?: Tensor): Tensor {
  checkLive('avgPool2d', x);
  checkRank('avgPool2d', 'input', x, 4);
  const { p, shape } = poolGeometry('avgPool2d', x.shape, opts, [x.shape]);
  const y = output('avgPool2d', shape, commonDType('avgPool2d', [x, out]), out, [x]);
  getBackend().avgPool2d(x, y, p);
  return y;
}

/** dx [= inputShape]: each dy spread evenly over its window. */
export function avgPool2dBackward(dy: Tensor, inputShape: Shape, opts: Pool2dOptions, out?: Tensor): Tensor {
  const op = 'avgPool2dBackward';
  checkLive(op, dy);
  checkShapeArg(op, 'inputShape', inputShape, 4, [dy.shape]);
  checkRank(op, 'dy', dy, 4, [inputShape]);
  const { p, shape } = poolGeometry(op, inputShape, opts, [inputShape, dy.shape]);
  checkDy(op, dy, shape, inputShape);
  const dx = output(op, inputShape, commonDType(op, [dy, out]), out, [dy]);
  getBackend().avgPool2dBackward(dy, dx, p);
  return dx;
}
