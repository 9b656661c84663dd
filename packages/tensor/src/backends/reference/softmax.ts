import type { Tensor } from '../../tensor.js';

/**
 * Softmax over the last axis of [B, K], stable for large inputs: the row maximum is
 * subtracted before exponentiating, so exp never overflows and the largest term is exp(0) = 1.
 * log-softmax = x - max - log(Σ exp(x - max)), computed directly rather than as log(softmax)
 * so that tiny probabilities do not underflow to log(0).
 */
export function softmax(x: Tensor, y: Tensor, log: boolean): void {
  const [B, K] = x.shape;
  const xd = x.data;
  const yd = y.data;
  for (let b = 0; b < B; b++) {
    const base = b * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, xd[base + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(xd[base + k] - max);
    if (log) {
      const logSum = Math.log(sum);
      for (let k = 0; k < K; k++) yd[base + k] = xd[base + k] - max - logSum;
    } else {
      for (let k = 0; k < K; k++) yd[base + k] = Math.exp(xd[base + k] - max) / sum;
    }
  }
}

/**
 * From the forward output y:
 *   softmax:     dx = y * (dy - Σ dy * y)
 *   log-softmax: dx = dy - exp(y) * Σ dy
 */
export function softmaxBackward(y: Tensor, dy: Tensor, dx: Tensor, log: boolean): void {
  const [B, K] = y.shape;
  const yd = y.data;
  const gd = dy.data;
  const o = dx.data;
  for (let b = 0; b < B; b++) {
    const base = b * K;
    let dot = 0;
    for (let k = 0; k < K; k++) dot += log ? gd[base + k] : gd[base + k] * yd[base + k];
    if (log) for (let k = 0; k < K; k++) o[base + k] = gd[base + k] - Math.exp(yd[base + k]) * dot;
    else for (let k = 0; k < K; k++) o[base + k] = yd[base + k] * (gd[base + k] - dot);
  }
}
