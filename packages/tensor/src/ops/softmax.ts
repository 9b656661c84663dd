import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkLive, checkRank, commonDType, output } from './validate.js';

/** Softmax and log-softmax over the last axis of [B, K] scores, and their backward passes. */

function forward(op: string, x: Tensor, log: boolean, out?: Tensor): Tensor {
  checkLive(op, x);
  checkRank(op, 'input', x, 2);
  const y = output(op, x.shape, commonDType(op, [x, out]), out, [x]);
  getBackend().softmax(x, y, log);
  return y;
}

function backward(op: string, y: Tensor, dy: Tensor, log: boolean, out?: Tensor): Tensor {
  checkLive(op, y, dy);
  checkRank(op, 'y', y, 2, [dy.shape]);
  if (dy.rank !== 2 || dy.shape[0] !== y.shape[0] || dy.shape[1] !== y.shape[1]) {
    throw new ShapeError(op, `dy ${formatShape(dy.shape)} must have the shape of y ${formatShape(y.shape)}`, [
      dy.shape,
      y.shape,
    ]);
  }
  const dx = output(op, y.shape, commonDType(op, [y, dy, out]), out, [y, dy]);
  getBackend().softmaxBackward(y, dy, dx, log);
  return dx;
}

/**
 * Softmax over the last axis of x [B, K]: each row becomes probabilities that sum to 1 (computed
 * stably, after subtracting the row maximum).
 */
export const softmax = (x: Tensor, out?: Tensor): Tensor => forward('softmax', x, false, out);
/** Log-softmax over the last axis of x [B, K]: x minus the log-sum-exp of its row, computed stably. */
export const logSoftmax = (x: Tensor, out?: Tensor): Tensor => forward('logSoftmax', x, true, out);
/** dx from the softmax output y and dy. */
export const softmaxBackward = (y: Tensor, dy: Tensor, out?: Tensor): Tensor =>
  backward('softmaxBackward', y, dy, false, out);
/** dx from the log-softmax output y and dy. */
export const logSoftmaxBackward = (y: Tensor, dy: Tensor, out?: Tensor): Tensor =>
  backward('logSoftmaxBackward', y, dy, true, out);
