import { zeros } from '../creation.js';
import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkLive, commonDType, output } from './validate.js';

/**
 * Batch normalisation of x [N, C, ...] per channel (axis 1) over all other axes: [N, C] for
 * dense layers, [N, C, H, W] for spatial ones. gamma / beta may be null (no affine transform).
 */

export interface BatchNormTrainOptions {
  /** Updated in place: running = (1 - momentum) * running + momentum * batch (unbiased variance). */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Torch semantics: the weight of the new batch statistics. Default 0.1. */
  momentum?: number;
  eps?: number;
  out?: Tensor;
  /** Where to store the batch mean and 1 / sqrt(var + eps) [C]; allocated when absent. */
  saveMean?: Tensor;
  saveInvStd?: Tensor;
  /** Fused ReLU: y = relu(batch norm of x), as threshold(y, 0, 0) after it; see batchNormBackward's `rectified`. */
  relu?: boolean;
  /**
   * Fused residual join: y = relu?(batch norm of x + residual), as add(y, residual) (then the
   * ReLU) after it. Shaped as x; it may not overlap `out`.
   */
  residual?: Tensor | null;
}

/** C after checking x is [N, C, ...] and every per-channel tensor given is [C]. */
function channels(op: string, x: Tensor, perChannel: Record<string, Tensor | null | undefined>): number {
  if (x.rank < 2) throw new ShapeError(op, `input must be [N, C, ...], got ${formatShape(x.shape)}`, [x.shape]);
  const C = x.shape[1];
  for (const [name, t] of Object.entries(perChannel)) {
    if (!t) continue;
    checkLive(op, t);
    if (t.rank !== 1 || t.shape[0] !== C) {
      throw new ShapeError(op, `${name} ${formatShape(t.shape)} must be [${C}] for input ${formatShape(x.shape)}`, [
        t.shape,
        x.shape,
      ]);
    }
  }
  return C;
}

function checkEps(op: string, eps: number): void {
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`${op}: eps must be a finite number ≥ 0, got ${eps}`);
}

/** Normalises with batch statistics and returns them for the backward pass. */
export function batchNormTrain(
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  {
    runningMean = null,
    runningVar = null,
    momentum = 0.1,
    eps = 1e-5,
    out,
    saveMean,
    saveInvStd,
    relu = false,
    residual = null,
  }: BatchNormTrainOptions = {},
): { y: Tensor; saveMean: Tensor; saveInvStd: Tensor } {
  const op = 'batchNormTrain';
  checkLive(op, x);
  if (residual) {
    checkLive(op, residual);
    if (!sameShape(residual.shape, x.shape)) {
      throw new ShapeError(
        op,
        `residual ${formatShape(residual.shape)} must have the shape of input ${formatShape(x.shape)}`,
        [residual.shape, x.shape],
      );
    }
  }
  const C = channels(op, x, { gamma, beta, runningMean, runningVar, saveMean, saveInvStd });
  const count = x.size / Math.max(C, 1);
  if (count <= 1) {
    throw new ShapeError(op, `needs more than one value per channel in training, got input ${formatShape(x.shape)}`, [
      x.shape,
    ]);
  }
  checkEps(op, eps);
  if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`${op}: momentum must be in [0, 1], got ${momentum}`);
  const dtype = commonDType(op, [x, gamma, beta, runningMean, runningVar, out, saveMean, saveInvStd, residual]);
  const y = output(op, x.shape, dtype, out, [x, gamma, beta, runningMean, runningVar, residual]);
  const mean = output(op, [C], dtype, saveMean, [x, y, residual]);
  const invStd = output(op, [C], dtype, saveInvStd, [x, y, mean, residual]);
  getBackend().batchNormTrain(x, gamma, beta, y, mean, invStd, runningMean, runningVar, momentum, eps, relu, residual);
  return { y, saveMean: mean, saveInvStd: invStd };
}

/** Normalises with the running statistics (evaluation mode); `relu` fuses a ReLU as in batchNormTrain. */
export function batchNormEval(
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  runningMean: Tensor,
  runningVar: Tensor,
  eps = 1e-5,
  out?: Tensor,
  relu = false,
): Tensor {
  const op = 'batchNormEval';
  checkLive(op, x, runningMean, runningVar);
  const C = channels(op, x, { gamma, beta, runningMean, runningVar });
  checkEps(op, eps);
  const dtype = commonDType(op, [x, gamma, beta, runningMean, runningVar, out]);
  const invStd = batchNormInvStd(runningVar, eps, Tensor.empty([C], dtype));
  try {
    return batchNormApply(x, gamma, beta, runningMean, invStd, out, relu);
  } finally {
    invStd.dispose();
  }
}

/**
 * invStd = 1 / sqrt(variance + eps), computed with the backend's own kernels (the values
 * batchNormEval normalises with), written into `out`. A layer keeps `out` in its workspace so
 * that evaluation allocates nothing per call.
 */
export function batchNormInvStd(variance: Tensor, eps: number, out: Tensor): Tensor {
  const op = 'batchNormInvStd';
  checkLive(op, variance, out);
  checkEps(op, eps);
  if (variance.rank !== 1 || out.rank !== 1 || out.shape[0] !== variance.shape[0]) {
    throw new ShapeError(
      op,
      `variance ${formatShape(variance.shape)} and out ${formatShape(out.shape)} must be the same [C]`,
      [variance.shape, out.shape],
    );
  }
  commonDType(op, [variance, out]);
  const backend = getBackend();
  backend.binary('add', variance, eps, out);
  backend.unary('sqrt', out, out);
  backend.binary('div', 1, out, out);
  return out;
}

/**
 * y = gamma · (x − mean) · invStd + beta per channel, with given statistics (batchNormEval
 * with invStd precomputed by batchNormInvStd); `relu` fuses a ReLU as in batchNormTrain.
 */
export function batchNormApply(
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  mean: Tensor,
  invStd: Tensor,
  out?: Tensor,
  relu = false,
): Tensor {
  const op = 'batchNormApply';
  checkLive(op, x, mean, invStd);
  channels(op, x, { gamma, beta, mean, invStd });
  const dtype = commonDType(op, [x, gamma, beta, mean, invStd, out]);
  const y = output(op, x.shape, dtype, out, [x, gamma, beta, mean, invStd]);
  getBackend().batchNormApply(x, gamma, beta, mean, invStd, y, relu);
  return y;
}

export interface BatchNormGradients {
  /** Written (not accumulated); allocated when undefined, skipped when null. */
  dx?: Tensor | null;
  /** Accumulated into when given; allocated zeroed when undefined, skipped when null. */
  dgamma?: Tensor | null;
  dbeta?: Tensor | null;
}

/**
 * Gradients of batch norm. `mean` and `invStd` are what the forward used: the saved batch
 * statistics in training (the gradient then flows through them), or the running mean and
 * 1 / sqrt(runningVar + eps) in eval mode (constants). `rectified`, the output y of a forward
 * with `relu`, makes these the gradients of batch norm + ReLU: dy counts only where y > 0
 * (exactly thresholdBackward(y, dy, 0) first, without the pass).
 */
export function batchNormBackward(
  x: Tensor,
  dy: Tensor,
  gamma: Tensor | null,
  mean: Tensor,
  invStd: Tensor,
  training: boolean,
  grads: BatchNormGradients = {},
  rectified: Tensor | null = null,
): { dx: Tensor | null; dgamma: Tensor | null; dbeta: Tensor | null } {
  const op = 'batchNormBackward';
  checkLive(op, x, dy, mean, invStd);
  const C = channels(op, x, { gamma, mean, invStd, dgamma: grads.dgamma, dbeta: grads.dbeta });
  for (const [name, t] of [
    ['dy', dy],
    ['rectified', rectified],
  ] as const) {
    if (t === null) continue;
    checkLive(op, t);
    if (t.rank !== x.rank || t.shape.some((d, i) => d !== x.shape[i])) {
      throw new ShapeError(op, `${name} ${formatShape(t.shape)} must have the input's shape ${formatShape(x.shape)}`, [
        t.shape,
        x.shape,
      ]);
    }
  }
  const dtype = commonDType(op, [x, dy, gamma, mean, invStd, rectified, grads.dx, grads.dgamma, grads.dbeta]);
  const dx =
    grads.dx === null ? null : output(op, x.shape, dtype, grads.dx, [x, dy, gamma, mean, invStd, rectified], false);
  const dgamma = grads.dgamma === null ? null : (grads.dgamma ?? zeros([C], dtype));
  const dbeta = grads.dbeta === null ? null : (grads.dbeta ?? zeros([C], dtype));
  getBackend().batchNormBackward(x, dy, gamma, mean, invStd, dx, dgamma, dbeta, training, rectified);
  return { dx, dgamma, dbeta };
}
