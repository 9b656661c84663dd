/**
 * Batch normalisation of x [N, C, S] (S = H·W, or 1 for [N, C]) per channel, over N and S.
 * Channels are independent: [c0, c1) is the unit of parallel work. Null tensors are address 0.
 *
 * Per-channel sums run over N·S elements (131,072 in a ResNet's first stage), so each row of
 * S elements is summed in f32 vectors and the row sums accumulate in f64. The variance is the
 * two-pass Σ(x − mean)², which does not cancel catastrophically like E[x²] − mean².
 *
 * The element-wise passes that follow the sums (the normalisation, the backward pass's dx) run
 * over a channel's rows in reverse: a first-stage channel (128 rows of 32×32) is 512 KiB per
 * tensor, as large as the core's L2, so the rows the sums read last are the ones still cached.
 * Each element's arithmetic is the same in either order; the sums keep their order (their
 * rounding depends on it).
 */

import { reluScalar, reluVec } from './relu';
import { at, hsum, madd, sumRun } from './util';

/** Σ x over channel c. */
@inline function channelSum(x: usize, N: i32, C: i32, S: i32, c: i32): f64 {
  let total: f64 = 0;
  for (let n = 0; n < N; n++) total += sumRun(at(x, (n * C + c) * S), S);
  return total;
}

/** Σ (x − mean)² over channel c. */
@inline function channelSquares(x: usize, N: i32, C: i32, S: i32, c: i32, mean: f32): f64 {
  const mv = f32x4.splat(mean);
  let total: f64 = 0;
  for (let n = 0; n < N; n++) {
    const row = at(x, (n * C + c) * S);
    let v = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= S; i += 4) {
      const d = f32x4.sub(v128.load(at(row, i)), mv);
      v = madd(d, d, v);
    }
    let s = hsum(v);
    for (; i < S; i++) {
      const d = load<f32>(at(row, i)) - mean;
      s += d * d;
    }
    total += <f64>s;
  }
  return total;
}

// The fused ReLU. Forward: reluVec/reluScalar (relu.ts), exactly threshold(y, 0, 0).
// Backward: the gradient dy is read as 0 where the rectified output y is not > 0, exactly
// thresholdBackward(y, dy, 0). Both are bit for bit the unfused kernels, so a fused network
// computes the same bits as the unfused one. The `relu` and `masked` flags reach the loops as
// literals (each exported kernel branches once, on the flag, into an @inline body), so every
// variant is a loop of its own without a per-element test.

/** p[i..i+4), with 0 where y ≤ 0 when `masked`. */
@inline function maskedVec(p: usize, y: usize, i: i32, masked: bool): v128 {
  const g = v128.load(at(p, i));
  return masked ? v128.and(g, f32x4.gt(v128.load(at(y, i)), f32x4.splat(0))) : g;
}

@inline function maskedScalar(p: usize, y: usize, i: i32, masked: bool): f32 {
  return masked && !(load<f32>(at(y, i)) > 0) ? 0 : load<f32>(at(p, i));
}

/**
 * y = relu?((x − center)·scale + shift [+ r]) over channel c (may be in place); when `masked`, x
 * is read as 0 where mask ≤ 0 (the eval backward of the fused ReLU); when `added`, the residual
 * r (a block's shortcut, same layout as x) is added before the ReLU, as add(y, r) after it would.
 * Centering before scaling keeps y exact when invStd is large (a nearly constant channel), where
 * x·scale + (shift − center·scale) would cancel catastrophically.
 */
@inline function channelAffine(
  x: usize, y: usize, N: i32, C: i32, S: i32, c: i32, center: f32, scale: f32, shift: f32,
  relu: bool, mask: usize, masked: bool, r: usize = 0, added: bool = false,
): void {
  const m = f32x4.splat(center);
  const a = f32x4.splat(scale);
  const b = f32x4.splat(shift);
  // Rows in reverse: see the header.
  for (let n = N - 1; n >= 0; n--) {
    const off = (n * C + c) * S;
    const xr = at(x, off);
    const yr = at(y, off);
    const mr = at(mask, off);
    const rr = at(r, off);
    let i = 0;
    for (; i + 4 <= S; i += 4) {
      let v = madd(f32x4.sub(maskedVec(xr, mr, i, masked), m), a, b);
      if (added) v = f32x4.add(v, v128.load(at(rr, i)));
      v128.store(at(yr, i), reluVec(v, relu));
    }
    for (; i < S; i++) {
      let v = (maskedScalar(xr, mr, i, masked) - center) * scale + shift;
      if (added) v += load<f32>(at(rr, i));
      store<f32>(at(yr, i), reluScalar(v, relu));
    }
  }
}

@inline function param(p: usize, c: i32, fallback: f32): f32 {
  return p ? load<f32>(at(p, c)) : fallback;
}

/**
 * Training-mode forward for channels [c0, c1): batch statistics into saveMean/saveInvStd, an
 * optional running-statistics update (unbiased variance, Torch's momentum convention), then
 * y = (x − mean)·invStd·gamma + beta, plus `residual` (0: none) and rectified when `relu`.
 */
export function batchNormTrain(
  x: usize, gamma: usize, beta: usize, y: usize, saveMean: usize, saveInvStd: usize,
  runningMean: usize, runningVar: usize, momentum: f32, eps: f32, relu: bool, residual: usize,
  N: i32, C: i32, S: i32, c0: i32, c1: i32,
): void {
  const count = <f64>N * <f64>S;
  for (let c = c0; c < c1; c++) {
    const mean = <f32>(channelSum(x, N, C, S, c) / count);
    const variance = channelSquares(x, N, C, S, c, mean) / count;
    const invStd = <f32>(1 / Math.sqrt(variance + <f64>eps));
    store<f32>(at(saveMean, c), mean);
    store<f32>(at(saveInvStd, c), invStd);
    if (runningMean) {
      const rm = at(runningMean, c);
      store<f32>(rm, (1 - momentum) * load<f32>(rm) + momentum * mean);
    }
    if (runningVar) {
      const unbiased = count > 1 ? variance * count / (count - 1) : variance;
      const rv = at(runningVar, c);
      store<f32>(rv, (1 - momentum) * load<f32>(rv) + momentum * <f32>unbiased);
    }
    const scale = invStd * param(gamma, c, 1);
    const shift = param(beta, c, 0);
    if (residual) {
      if (relu) channelAffine(x, y, N, C, S, c, mean, scale, shift, true, 0, false, residual, true);
      else channelAffine(x, y, N, C, S, c, mean, scale, shift, false, 0, false, residual, true);
    } else if (relu) channelAffine(x, y, N, C, S, c, mean, scale, shift, true, 0, false);
    else channelAffine(x, y, N, C, S, c, mean, scale, shift, false, 0, false);
  }
}

/** y = (x − mean)·invStd·gamma + beta with given per-channel statistics, channels [c0, c1); rectified when `relu`. */
export function batchNormApply(
  x: usize, gamma: usize, beta: usize, mean: usize, invStd: usize, y: usize, relu: bool,
  N: i32, C: i32, S: i32, c0: i32, c1: i32,
): void {
  for (let c = c0; c < c1; c++) {
    const center = load<f32>(at(mean, c));
    const scale = load<f32>(at(invStd, c)) * param(gamma, c, 1);
    const shift = param(beta, c, 0);
    if (relu) channelAffine(x, y, N, C, S, c, center, scale, shift, true, 0, false);
    else channelAffine(x, y, N, C, S, c, center, scale, shift, false, 0, false);
  }
}

/**
 * Backward for channels [c0, c1). With xhat = (x − mean)·invStd and M = N·S:
 *   dbeta += Σ dy,   dgamma += Σ dy·xhat
 *   training: dx = gamma·invStd · (dy − Σdy/M − xhat·Σ(dy·xhat)/M)
 *   eval:     dx = gamma·invStd · dy
 * With `rectified` (the output y of a forward with relu; 0 = none) every dy is masked first:
 * the backward of batch norm + ReLU in one pass.
 */
export function batchNormBackward(
  x: usize, dy: usize, gamma: usize, mean: usize, invStd: usize,
  dx: usize, dgamma: usize, dbeta: usize, training: bool, rectified: usize,
  N: i32, C: i32, S: i32, c0: i32, c1: i32,
): void {
  // With the mask in training, the first pass also stores the masked dy into dx, which the
  // second pass then reads instead of masking again: the mask is computed once per element
  // (the loops are compute-bound when the batch fits in cache).
  const stash = training && dx != 0;
  for (let c = c0; c < c1; c++) {
    // Literal flags, so that each inlined call is its own specialised loop.
    if (!rectified) {
      channelBackward(x, dy, gamma, mean, invStd, dx, dgamma, dbeta, training, 0, false, false, N, C, S, c);
    } else if (stash) {
      channelBackward(x, dy, gamma, mean, invStd, dx, dgamma, dbeta, training, rectified, true, true, N, C, S, c);
    } else {
      channelBackward(x, dy, gamma, mean, invStd, dx, dgamma, dbeta, training, rectified, true, false, N, C, S, c);
    }
  }
}

/** One channel of batchNormBackward; `masked` and `stash` are literals (see there). */
@inline function channelBackward(
  x: usize, dy: usize, gamma: usize, mean: usize, invStd: usize,
  dx: usize, dgamma: usize, dbeta: usize, training: bool, rectified: usize, masked: bool, stash: bool,
  N: i32, C: i32, S: i32, c: i32,
): void {
  const count = <f64>N * <f64>S;
  const m = load<f32>(at(mean, c));
  const inv = load<f32>(at(invStd, c));
  const mv = f32x4.splat(m);
  // Σ dy and Σ dy·(x − mean) in one pass.
  let sumDy: f64 = 0;
  let sumDyXc: f64 = 0;
  for (let n = 0; n < N; n++) {
    const off = (n * C + c) * S;
    const xr = at(x, off);
    const gr = at(dy, off);
    const yr = at(rectified, off);
    const sr = at(dx, off);
    let vg = f32x4.splat(0);
    let vgx = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= S; i += 4) {
      const g = maskedVec(gr, yr, i, masked);
      if (stash) v128.store(at(sr, i), g);
      vg = f32x4.add(vg, g);
      vgx = madd(g, f32x4.sub(v128.load(at(xr, i)), mv), vgx);
    }
    let sg = hsum(vg);
    let sgx = hsum(vgx);
    for (; i < S; i++) {
      const g = maskedScalar(gr, yr, i, masked);
      if (stash) store<f32>(at(sr, i), g);
      sg += g;
      sgx += g * (load<f32>(at(xr, i)) - m);
    }
    sumDy += <f64>sg;
    sumDyXc += <f64>sgx;
  }
  const sumDyXhat = sumDyXc * <f64>inv;
  if (dbeta) store<f32>(at(dbeta, c), load<f32>(at(dbeta, c)) + <f32>sumDy);
  if (dgamma) store<f32>(at(dgamma, c), load<f32>(at(dgamma, c)) + <f32>sumDyXhat);
  if (!dx) return;
  const k = param(gamma, c, 1) * inv;
  if (!training) {
    channelAffine(dy, dx, N, C, S, c, 0, k, 0, false, rectified, masked);
    return;
  }
  // dx = a·dy + b·(x − mean) + d with a = k, b = −k·invStd·Σ(dy·xhat)/M, d = −k·Σdy/M.
  const a = k;
  const b = <f32>(-<f64>k * <f64>inv * sumDyXhat / count);
  const d = <f32>(-<f64>k * sumDy / count);
  const av = f32x4.splat(a);
  const bv = f32x4.splat(b);
  const dv = f32x4.splat(d);
  // Rows in reverse: see the header.
  for (let n = N - 1; n >= 0; n--) {
    const off = (n * C + c) * S;
    const xr = at(x, off);
    const gr = at(stash ? dx : dy, off); // the masked dy, or dy itself
    const dr = at(dx, off);
    let i = 0;
    for (; i + 4 <= S; i += 4) {
      const xc = f32x4.sub(v128.load(at(xr, i)), mv);
      v128.store(at(dr, i), f32x4.add(f32x4.mul(v128.load(at(gr, i)), av), f32x4.add(f32x4.mul(xc, bv), dv)));
    }
    for (; i < S; i++) store<f32>(at(dr, i), load<f32>(at(gr, i)) * a + (load<f32>(at(xr, i)) - m) * b + d);
  }
}
