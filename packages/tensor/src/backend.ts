import type { DType } from './dtype.js';
import type { Allocator } from './memory.js';
import type { Tensor } from './tensor.js';

/** Elementwise functions of one tensor (`Backend.unary`); `relu(NaN)` is 0 and `sign(0)` is 0. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'relu' | 'tanh' | 'sigmoid' | 'square' | 'sign';
/** Elementwise functions of two operands (`Backend.binary`); 'max' and 'min' propagate NaN. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'pow';
/** Reductions over axes (`Backend.reduce`); 'mean' over an empty axis is NaN, 'sum' is 0. */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';
/**
 * How `pad` fills the border: 'zero' with 0, 'constant' with a value, 'reflect' mirrors without repeating the
 * edge (NumPy reflect, Torch ReflectionPad), 'replicate' repeats the edge.
 */
export type PadMode = 'zero' | 'constant' | 'reflect' | 'replicate';

/** Stride and implicit zero padding of a 2-D convolution, in pixels along height and width. */
export interface Conv2dParams {
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
}

/**
 * What a convolution may do to its result before storing it (the epilogue): add `residual`
 * (y's shape) after the bias, then rectify (relu(NaN) = 0). Inference folds batch norm into the
 * convolution before it and fuses the ResNet block's residual join and ReLU into it this way.
 */
export interface ConvEpilogue {
  residual: Tensor | null;
  relu: boolean;
}

/**
 * Window, stride and padding of a 2-D pooling kernel in pixels, as the pooling ops resolve them from
 * `Pool2dOptions`.
 */
export interface Pool2dParams {
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  /** Round the output size up instead of down (Torch's `:ceil()`). */
  ceilMode: boolean;
  /** Average pooling only: divide by the full window including padding (Torch's default). */
  countIncludePad: boolean;
}

/** Transposes and scales of `Backend.matmul`: out = alpha · op(a) · op(b) + beta · out. */
export interface MatmulOptions {
  transA: boolean;
  transB: boolean;
  /** out = alpha * op(a) op(b) + beta * out. beta = 1 accumulates (parameter gradients). */
  alpha: number;
  beta: number;
}

/**
 * The kernel interface. Every backend implements these functions; the ops in `ops/` validate
 * shapes, allocate outputs and call them. Kernels use destination-passing style: they write
 * into tensors they are given (whose shapes the caller has already checked), so that modules
 * can keep their buffers across iterations and a training step allocates nothing.
 *
 * Tensors handed to a kernel are contiguous, row-major and of one dtype. A backend may assume
 * that outputs do not overlap inputs unless the kernel says "may be in place".
 *
 * Edge-case semantics (decided with the reference backend, which is the ground truth):
 * - relu(x) = x > 0 ? x : 0, so relu(NaN) = 0 (like threshold); sign(0) = 0.
 * - binary max/min and reduce max/min propagate NaN (Math.max / NumPy maximum).
 * - argmax and the max-pool window maximum treat NaN as the largest value: the first NaN wins.
 * - axpby and matmul with beta = 0 do not read `out` (BLAS convention: garbage/NaN is ignored).
 * - reduce 'mean' over an empty axis gives NaN, 'sum' 0 (the ops reject empty max/min).
 * - Backward kernels overwrite their dx; only parameter gradients (conv2dBackwardFilter with
 *   `accumulate`, batchNormBackward's dgamma/dbeta) add to what is there.
 */
export interface Backend {
  readonly name: string;
  /** dtypes this backend can compute in. */
  readonly dtypes: readonly DType[];
  readonly allocator: Allocator;

  /** out = value everywhere. */
  fill(out: Tensor, value: number): void;
  /** dst = src (same size). */
  copy(src: Tensor, dst: Tensor): void;

  /** out = op(x). May be in place (out === x). */
  unary(op: UnaryOp, x: Tensor, out: Tensor): void;
  /**
   * out = a op b with NumPy broadcasting: a and b are tensors whose shapes broadcast to
   * out.shape, or plain numbers. May be in place (out === a or out === b when shapes match).
   * With `relu`, out = relu(a op b) in the same pass (the fused residual join add + ReLU), bit
   * for bit what threshold(out, 0, 0) would give after it.
   */
  binary(op: BinaryOp, a: Tensor | number, b: Tensor | number, out: Tensor, relu?: boolean): void;
  /** out = x > threshold ? x : value (Torch's Threshold); may be in place. */
  threshold(x: Tensor, threshold: number, value: number, out: Tensor): void;
  /** dx = x > threshold ? dy : 0 (backward of threshold and ReLU); may be in place on dy. */
  thresholdBackward(x: Tensor, dy: Tensor, threshold: number, dx: Tensor): void;
  /** out[i] = out[i] * beta + alpha * x[i]: the shape of every update rule and accumulation. */
  axpby(alpha: number, x: Tensor, beta: number, out: Tensor): void;

  /** Reduces `x` over `axes` (sorted, unique); out has x's shape with those axes set to 1. */
  reduce(op: ReduceOp, x: Tensor, axes: readonly number[], out: Tensor): void;
  /** Index of the maximum along `axis` (first on ties), as integral values; out has that axis set to 1. */
  argmax(x: Tensor, axis: number, out: Tensor): void;

  /** 2-D matrix product; see MatmulOptions. */
  matmul(a: Tensor, b: Tensor, out: Tensor, options: MatmulOptions): void;

  /** out = x with axes permuted: out.shape[i] = x.shape[perm[i]]. */
  permute(x: Tensor, perm: readonly number[], out: Tensor): void;
  /** Concatenates along `axis`. */
  concat(xs: readonly Tensor[], axis: number, out: Tensor): void;
  /**
   * Pads every axis i by pads[i] = [before, after] (non-negative). 'constant' pads with `value`;
   * 'zero' pads with 0 whatever `value` is (the ops pass 0); 'reflect' mirrors without repeating
   * the edge (NumPy reflect / Torch ReflectionPad, pads < size); 'replicate' repeats the edge.
   */
  pad(x: Tensor, pads: readonly (readonly [number, number])[], mode: PadMode, value: number, out: Tensor): void;
  /** Gradient of pad: dx = sum of dy over every output position that read each input. */
  padBackward(dy: Tensor, pads: readonly (readonly [number, number])[], mode: PadMode, dx: Tensor): void;

  /**
   * y[N,O,Ho,Wo] = conv(x[N,C,H,W], w[O,C,kH,kW]) + bias[O], then the epilogue when one is given
   * (only to a backend whose `convEpilogue` is true; the op applies it with separate kernels
   * otherwise). The residual never overlaps y or x.
   */
  conv2d(x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, p: Conv2dParams, epilogue?: ConvEpilogue): void;
  /** Whether conv2d applies an epilogue itself (in the pass that stores y). */
  readonly convEpilogue?: boolean;
  /**
   * dx[N,C,H,W] = gradient of conv2d w.r.t. x (dx's shape fixes H, W; input pixels that no
   * window reaches get 0, which transposed conv's outputPadding relies on). dx is overwritten.
   * Also the transposed conv forward.
   */
  conv2dBackwardData(dy: Tensor, w: Tensor, dx: Tensor, p: Conv2dParams): void;
  /** dw[O,C,kH,kW] (and db[O]) = gradient of conv2d w.r.t. w (and bias); accumulate adds to them. */
  conv2dBackwardFilter(
    x: Tensor,
    dy: Tensor,
    dw: Tensor,
    db: Tensor | null,
    p: Conv2dParams,
    accumulate: boolean,
  ): void;

  /**
   * Pooling windows follow Torch: output index o covers [o*stride - pad, o*stride - pad + kernel),
   * clipped to the input (padded cells never win a max and add nothing to a sum). The average
   * divides by the window clipped to [-pad, size + pad) when countIncludePad, else by the number
   * of real cells. y's shape fixes the output size (the ops compute it, including ceilMode).
   */
  maxPool2d(x: Tensor, y: Tensor, p: Pool2dParams): void;
  /** Routes dy to the (first) maximum of each window, recomputed from x. */
  maxPool2dBackward(x: Tensor, dy: Tensor, dx: Tensor, p: Pool2dParams): void;
  /** Averages each window of x into y; the divisor follows `countIncludePad` (see maxPool2d above). */
  avgPool2d(x: Tensor, y: Tensor, p: Pool2dParams): void;
  /**
   * Spreads each dy evenly over the input cells of its window (the same divisor as the forward); dx is overwritten.
   */
  avgPool2dBackward(dy: Tensor, dx: Tensor, p: Pool2dParams): void;

  /**
   * Batch normalisation of x [N,C,...] per channel over every other axis, with batch statistics.
   * Writes the batch mean and 1/sqrt(biased var + eps) into saveMean/saveInvStd [C], and, when
   * given, updates runningMean/runningVar with `momentum` using the unbiased variance:
   * running = (1 - momentum) * running + momentum * batch (Torch), with var * n / (n - 1).
   * With `relu`, y = relu(batch norm of x) in the same pass (fused batch norm + ReLU), bit for
   * bit what threshold(y, 0, 0) would give after it. With `residual` (shaped as x), it is added
   * before the ReLU: y = relu?(batch norm of x + residual), bit for bit what add(y, residual)
   * (and the threshold) would give after it (a ResNet block's residual join, fused).
   */
  batchNormTrain(
    x: Tensor,
    gamma: Tensor | null,
    beta: Tensor | null,
    y: Tensor,
    saveMean: Tensor,
    saveInvStd: Tensor,
    runningMean: Tensor | null,
    runningVar: Tensor | null,
    momentum: number,
    eps: number,
    relu?: boolean,
    residual?: Tensor | null,
  ): void;
  /** y = (x - mean) * invStd * gamma + beta with given per-channel mean and invStd (eval mode); `relu` as in batchNormTrain. */
  batchNormApply(
    x: Tensor,
    gamma: Tensor | null,
    beta: Tensor | null,
    mean: Tensor,
    invStd: Tensor,
    y: Tensor,
    relu?: boolean,
  ): void;
  /**
   * Backward of batch norm. With `training`, mean/invStd are the batch statistics and the
   * gradient flows through them; otherwise they are constants (eval mode). dgamma and dbeta
   * are accumulated into when given. `rectified`, the output of a forward with `relu`, makes
   * it the backward of batch norm + ReLU: dy is read as 0 where rectified <= 0 (bit for bit
   * thresholdBackward(rectified, dy, 0) first), for dx, dgamma and dbeta alike.
   */
  batchNormBackward(
    x: Tensor,
    dy: Tensor,
    gamma: Tensor | null,
    mean: Tensor,
    invStd: Tensor,
    dx: Tensor | null,
    dgamma: Tensor | null,
    dbeta: Tensor | null,
    training: boolean,
    rectified?: Tensor | null,
  ): void;

  /** y[N,C,H*sH,W*sW] repeats each pixel. */
  upsampleNearest2d(x: Tensor, y: Tensor, scaleH: number, scaleW: number): void;
  /** dx[N,C,H,W] = sum of dy over the sH × sW block each input pixel was copied to; dx is overwritten. */
  upsampleNearest2dBackward(dy: Tensor, dx: Tensor, scaleH: number, scaleW: number): void;

  /** Softmax (or log-softmax) over the last axis of a 2-D tensor. */
  softmax(x: Tensor, y: Tensor, log: boolean): void;
  /** dx from y = softmax(x) (or log-softmax) and dy. */
  softmaxBackward(y: Tensor, dy: Tensor, dx: Tensor, log: boolean): void;
}
