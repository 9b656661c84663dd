// The convolution passes of the AVX2 kernels, as im2col (or the image itself for 1 x 1 stride-1
// convolutions) and packed GEMMs, split over images on the native thread pool.
#pragma once

namespace funt {

// x [N, C, H, W], w [O, C, kH, kW], y [N, O, Ho, Wo].
struct ConvGeometry {
  int N, C, H, W, O, kH, kW, strideH, strideW, padH, padW, Ho, Wo;
};

// y = conv(x, w) + bias, + residual (y's shape) when given, then relu (relu(NaN) = 0) when set.
void conv2d_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, const float* residual,
                    bool relu, float* y, int threads);

// dx = gradient of the convolution w.r.t. x (overwritten).
void conv2d_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads);

// dw (and db when not null) = gradient w.r.t. w (and bias); accumulate adds to them. Partial sums
// over chunks of images fixed by N, added in order, so the bits do not depend on `threads`.
void conv2d_backward_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw, float* db,
                            bool accumulate, int threads);

}  // namespace funt
