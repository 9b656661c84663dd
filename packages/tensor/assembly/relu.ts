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
