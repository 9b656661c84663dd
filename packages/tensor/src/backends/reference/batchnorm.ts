import type { DataArray } from '../../dtype.js';
import { channelPlanes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';

/**
 * Batch normalisation per channel (axis 1) over every other axis, for x [N, C] and
 * [N, C, H, W] alike: element (n, c, s) of x lives at (n * C + c) * S + s with S the product
 * of the axes after the channel axis. Statistics are computed in float64 with two passes
 * (mean, then squared deviations), so large offsets do not cancel.
 */

/**
 * y = (x - mean) * invStd * gamma + beta with batch statistics; invStd uses the biased
 * variance. Running statistics follow Torch: running = (1 - momentum) * running +
 * momentum * batch, with the unbiased variance (count / (count - 1)) for runningVar.
 */
export function batchNormTrain(
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
  relu = false,
  residual: Tensor | null = null,
): void {
  const { N, C, S } = channelPlanes(x.shape);
  const count = N * S;
  const xd = x.data;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let s = 0; s < S; s++) sum += xd[base + s];
    }
    const mean = sum / count;
    let squares = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let s = 0; s < S; s++) {
        const d = xd[base + s] - mean;
        squares += d * d;
      }
    }
    const variance = squares / count;
    saveMean.data[c] = mean;
    saveInvStd.data[c] = 1 / Math.sqrt(variance + eps);
    if (runningMean) runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * mean;
    // With a single value per channel the unbiased variance is undefined; the ops reject that case.
    if (runningVar)
      runningVar.data[c] = (1 - momentum) * runningVar.data[c] + momentum * (squares / Math.max(count - 1, 1));
  }
  batchNormApply(x, gamma, beta, saveMean, saveInvStd, y, relu, residual);
}

/**
 * y = (x - mean[c]) * invStd[c] * gamma[c] + beta[c]; gamma = null means 1, beta = null means 0.
 * With `residual`, it is added to the stored value, and with `relu` the result is then
 * rectified as threshold(y, 0, 0) would (NaN → 0): each step reads back what the previous one
 * stored in y, so that the rounding to y's dtype happens where it does in the unfused sequence.
 */
export function batchNormApply(
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  mean: Tensor,
  invStd: Tensor,
  y: Tensor,
  relu = false,
  residual: Tensor | null = null,
): void {
  const { N, C, S } = channelPlanes(x.shape);
  const xd = x.data;
  const yd = y.data;
  const rd = residual?.data;
  for (let c = 0; c < C; c++) {
    const m = mean.data[c];
    const scale = invStd.data[c] * (gamma ? gamma.data[c] : 1);
    const shift = beta ? beta.data[c] : 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let s = 0; s < S; s++) yd[base + s] = (xd[base + s] - m) * scale + shift;
      if (rd) for (let s = 0; s < S; s++) yd[base + s] = yd[base + s] + rd[base + s];
      if (relu) for (let s = 0; s < S; s++) yd[base + s] = yd[base + s] > 0 ? yd[base + s] : 0;
    }
  }
}

/**
 * With xhat = (x - mean) * invStd:
 *   dbeta += Σ dy,  dgamma += Σ dy * xhat,
 *   training: dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat))
 *             (the batch mean and variance depend on x, which adds the two mean terms),
 *   eval:     dx = gamma * invStd * dy.
 * With `rectified` (the output of a forward with relu) dy is first masked: 0 where rectified <= 0.
 */
export function batchNormBackward(
  x: Tensor,
  dy: Tensor,
  gamma: Tensor | null,
  mean: Tensor,
  invStd: Tensor,
  dx: Tensor | null,
  dgamma: Tensor | null,
  dbeta: Tensor | null,
  training: boolean,
  rectified: Tensor | null = null,
): void {
  const { N, C, S } = channelPlanes(x.shape);
  const count = N * S;
  const xd = x.data;
  const gd = rectified ? masked(dy, rectified) : dy.data;
  for (let c = 0; c < C; c++) {
    const m = mean.data[c];
    const is = invStd.data[c];
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let s = 0; s < S; s++) {
        sumDy += gd[base + s];
        sumDyXhat += gd[base + s] * (xd[base + s] - m) * is;
      }
    }
    if (dbeta) dbeta.data[c] += sumDy;
    if (dgamma) dgamma.data[c] += sumDyXhat;
    if (!dx) continue;
    const scale = is * (gamma ? gamma.data[c] : 1);
    const meanDy = training ? sumDy / count : 0;
    const meanDyXhat = training ? sumDyXhat / count : 0;
    const dxd = dx.data;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let s = 0; s < S; s++) {
        const xhat = (xd[base + s] - m) * is;
        dxd[base + s] = scale * (gd[base + s] - meanDy - xhat * meanDyXhat);
      }
    }
  }
}

/** dy where y > 0, else 0 (thresholdBackward(y, dy, 0)), in a new array of dy's dtype. */
function masked(dy: Tensor, y: Tensor): DataArray {
  const g = dy.data.slice();
  const yd = y.data;
  for (let i = 0; i < g.length; i++) if (!(yd[i] > 0)) g[i] = 0;
  return g;
}
