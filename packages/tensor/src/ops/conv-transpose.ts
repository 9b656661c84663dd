import type { Conv2dParams } from '../backend.js';
import { getBackend } from '../engine.js';
import { ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { type FilterGradients, filterGradientOutputs } from './conv.js';
import {
  type Conv2dOptions,
  checkBias,
  checkGradOutput,
  convOutputShape,
  convParams,
  type OutputPadding,
} from './conv-geometry.js';
import { checkLive, checkRank, checkShapeArg, commonDType, output, pair, withShapes } from './validate.js';

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

/** The convolution parameters and the output padding, validated (each adj < its stride). */
function params(
  op: string,
  opts: ConvTranspose2dOptions,
  shapes: readonly Shape[],
): { p: Conv2dParams; adj: OutputPadding } {
  const p = convParams(op, opts, shapes);
  const [adjH, adjW] = pair(op, 'outputPadding', opts.outputPadding ?? 0, false, shapes);
  if (adjH >= p.strideH || adjW >= p.strideW) {
    throw new ShapeError(
      op,
      `outputPadding ${adjH}×${adjW} must be smaller than stride ${p.strideH}×${p.strideW}${withShapes(shapes)}`,
      shapes,
    );
  }
  return { p, adj: { adjH, adjW } };
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
  checkLive(op, x, w);
  const { p, adj } = params(op, opts, [x.shape, w.shape]);
  const shape = convOutputShape(op, x.shape, w.shape, p, adj);
  const Cout = shape[1];
  checkBias(op, bias, Cout, [x.shape, w.shape]);
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
  const { p, adj } = params(op, opts, [dy.shape, w.shape]);
  checkRank(op, 'weight', w, 4, [dy.shape, inputShape]);
  checkGradOutput(op, dy, inputShape, w.shape, p, adj);
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
  const { p, adj } = params(op, opts, [x.shape, dy.shape]);
  checkShapeArg(op, 'wShape', wShape, 4, [x.shape, dy.shape]);
  checkRank(op, 'input', x, 4, [dy.shape, wShape]);
  checkGradOutput(op, dy, x.shape, wShape, p, adj);
  const Cout = wShape[1];
  const { dw, db, accumulate, dtype } = filterGradientOutputs(op, x, dy, wShape, Cout, grads);
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
