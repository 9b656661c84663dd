import type { Conv2dParams } from '../backend.js';
import { formatShape, ShapeError } from '../errors.js';
import { type Shape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkLive, checkRank, checkShapeArg, pair, withShapes } from './validate.js';

/**
 * The shape arithmetic and argument checks of the convolution family (conv.ts and
 * conv-transpose.ts), written once. A transposed convolution is the adjoint of a convolution:
 * the two differ only in which of the weight's first two axes meets the input's channels and in
 * the output size along each axis.
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

/** Kernel parameters from user options, validated (stride ≥ 1, padding ≥ 0, integers). */
export function convParams(op: string, opts: Conv2dOptions, shapes: readonly Shape[]): Conv2dParams {
  const [strideH, strideW] = pair(op, 'stride', opts.stride ?? 1, true, shapes);
  const [padH, padW] = pair(op, 'padding', opts.padding ?? 0, false, shapes);
  return { strideH, strideW, padH, padW };
}

/** The extra output rows and columns of a transposed convolution (Torch's adjH, adjW). */
export interface OutputPadding {
  adjH: number;
  adjW: number;
}

/**
 * The output shape of a convolution of x [N, C, H, W] with w [O, C, kH, kW] or, given its
 * output padding, of a transposed convolution with w [Cin, Cout, kH, kW]; checks ranks,
 * channels and that the output is not empty.
 */
export function convOutputShape(
  op: string,
  x: Shape,
  w: Shape,
  p: Conv2dParams,
  transposed: OutputPadding | null = null,
): number[] {
  if (x.length !== 4)
    throw new ShapeError(op, `input must be [N, C, H, W], got ${formatShape(x)} (weight ${formatShape(w)})`, [x, w]);
  if (w.length !== 4) {
    const axes = transposed ? '[Cin, Cout, kH, kW]' : '[O, C, kH, kW]';
    throw new ShapeError(op, `weight must be ${axes}, got ${formatShape(w)} (input ${formatShape(x)})`, [w, x]);
  }
  const [N, C, H, W] = x;
  const [kH, kW] = [w[2], w[3]];
  const [inChannels, outChannels] = transposed ? [w[0], w[1]] : [w[1], w[0]];
  if (C !== inChannels)
    throw new ShapeError(op, `input channels ${C} do not match weight ${formatShape(w)} for input ${formatShape(x)}`, [
      x,
      w,
    ]);
  const Ho = transposed
    ? convTranspose2dOutputSize(H, kH, p.strideH, p.padH, transposed.adjH)
    : conv2dOutputSize(H, kH, p.strideH, p.padH);
  const Wo = transposed
    ? convTranspose2dOutputSize(W, kW, p.strideW, p.padW, transposed.adjW)
    : conv2dOutputSize(W, kW, p.strideW, p.padW);
  // A transposed convolution also refuses an empty input (its output would be padding alone).
  const emptyInput = transposed !== null && (H === 0 || W === 0);
  if (Ho <= 0 || Wo <= 0 || kH === 0 || kW === 0 || emptyInput) {
    throw new ShapeError(
      op,
      `output size ${Ho}×${Wo} is not positive for input ${formatShape(x)}, weight ${formatShape(w)}, stride ${p.strideH}×${p.strideW}, padding ${p.padH}×${p.padW}`,
      [x, w],
    );
  }
  return [N, outChannels, Ho, Wo];
}

/**
 * Checks dy against the output that inputShape and w give (the backward ops' contract), and
 * inputShape itself: a shape argument of rank 4.
 */
export function checkGradOutput(
  op: string,
  dy: Tensor,
  inputShape: Shape,
  w: Shape,
  p: Conv2dParams,
  transposed: OutputPadding | null = null,
): void {
  checkShapeArg(op, 'inputShape', inputShape, 4, [dy.shape, w]);
  checkRank(op, 'dy', dy, 4, [inputShape, w]);
  const expected = convOutputShape(op, inputShape, w, p, transposed);
  if (!sameShape(expected, dy.shape)) {
    throw new ShapeError(
      op,
      `dy ${formatShape(dy.shape)} does not match the output ${formatShape(expected)} of input ${formatShape(inputShape)} and weight ${formatShape(w)}`,
      [dy.shape, inputShape, w],
    );
  }
}

/** Checks that a bias is live and [channels] (null: no bias). */
export function checkBias(op: string, bias: Tensor | null, channels: number, shapes: readonly Shape[]): void {
  if (bias === null) return;
  checkLive(op, bias);
  if (bias.rank !== 1 || bias.shape[0] !== channels) {
    throw new ShapeError(op, `bias ${formatShape(bias.shape)} must be [${channels}]${withShapes(shapes)}`, [
      bias.shape,
      ...shapes,
    ]);
  }
}
