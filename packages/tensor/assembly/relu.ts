/**
 * The fused ReLU, applied to a result before it is stored: batch norm + ReLU (batchnorm.ts)
 * and the residual join add + ReLU (elementwise.ts). Exactly elementwise.ts's threshold(v, 0, 0)
 * (v > 0 ? v : 0, so NaN → 0 and −0 → +0), so that a fused network computes the same bits as
 * the unfused sequence. The batch norm kernels pass `relu` as a
 * literal (they branch once on the flag into @inline bodies), so the test folds away there;
 * in the binary kernels (one function per op) it stays a loop-invariant test.
 */

@inline export function reluVec(v: v128, relu: bool): v128 {
  return relu ? v128.bitselect(v, f32x4.splat(0), f32x4.gt(v, f32x4.splat(0))) : v;
}

@inline export function reluScalar(v: f32, relu: bool): f32 {
  return relu && !(v > 0) ? 0 : v;
}

/**
 * The convolution epilogue (conv.ts, winograd.ts) on four results about to be stored: + the
 * four residual values at `res` (0: no residual), then the ReLU when `relu`. Both are runtime
 * flags, loop-invariant where the stores are.
 */
@inline export function epilogueVec(v: v128, res: usize, relu: bool): v128 {
  const r = res ? f32x4.add(v, v128.load(res)) : v;
  return relu ? reluVec(r, true) : r;
}

@inline export function epilogueScalar(v: f32, res: usize, relu: bool): f32 {
  const r = res ? v + load<f32>(res) : v;
  return relu ? reluScalar(r, true) : r;
}
