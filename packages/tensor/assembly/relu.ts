/**
 * The fused ReLU, applied to a result before it is stored: batch norm + ReLU (batchnorm.ts)
 * and the residual join add + ReLU (elementwise.ts). Exactly elementwise.ts's threshold(v, 0, 0)
 * (v > 0 ? v : 0, so NaN → 0 and −0 → +0), so that a fused network computes the same bits as
 * the unfused sequence. `relu` is a runtime flag, not a specialisation: the branch is
 * loop-invariant and the loops around it are memory-bound.
 */

@inline export function reluVec(v: v128, relu: bool): v128 {
  return relu ? v128.bitselect(v, f32x4.splat(0), f32x4.gt(v, f32x4.splat(0))) : v;
}

@inline export function reluScalar(v: f32, relu: bool): f32 {
  return relu && !(v > 0) ? 0 : v;
}
