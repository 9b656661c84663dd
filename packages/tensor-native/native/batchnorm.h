// Batch normalisation of x [N, C, S] (S = H * W, or 1 for [N, C]) per channel over N and S, in
// AVX2, split over channels on the native thread pool: each channel is one task, so its sums
// run in one fixed order and the bits do not depend on the thread count. Null pointers are
// absent operands (no gamma/beta: 1 and 0; no running statistics, no dx/dgamma/dbeta).
#pragma once

namespace funt {

struct ChannelPlanes {
  int N, C, S;
};

// Batch statistics into save_mean / save_inv_std (1 / sqrt(biased variance + eps)), the running
// statistics updated with `momentum` (unbiased variance, Torch's convention), then
// y = (x - mean) * inv_std * gamma + beta, plus `residual` (same layout as x; a ResNet block's
// shortcut, added as a separate add would) when given, rectified (v > 0 ? v : 0) when `relu`.
// y may be x.
void batch_norm_train(const ChannelPlanes& p, const float* x, const float* gamma, const float* beta, float* y,
                      float* save_mean, float* save_inv_std, float* running_mean, float* running_var, float momentum,
                      float eps, bool relu, const float* residual, int threads);

// y = (x - mean) * inv_std * gamma + beta with given statistics (eval mode), rectified when `relu`.
void batch_norm_apply(const ChannelPlanes& p, const float* x, const float* gamma, const float* beta, const float* mean,
                      const float* inv_std, float* y, bool relu, int threads);

// The backward pass: dbeta += sum dy, dgamma += sum dy * xhat; dx (overwritten) through the batch
// statistics when `training`, else gamma * inv_std * dy. With `rectified` (the y of a forward with
// relu) dy reads as 0 where rectified <= 0: the backward of batch norm + ReLU.
void batch_norm_backward(const ChannelPlanes& p, const float* x, const float* dy, const float* gamma,
                         const float* mean, const float* inv_std, float* dx, float* dgamma, float* dbeta,
                         bool training, const float* rectified, int threads);

}  // namespace funt
