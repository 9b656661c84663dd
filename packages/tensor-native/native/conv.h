// The convolution passes: Winograd (winograd.h), direct (conv_direct.h), else im2col (or the
// image itself for 1 x 1 stride-1 convolutions) and packed GEMMs (gemm.h), split over images on
// the native thread pool. Each instruction level's build (isa.h) has its own set of passes.
#pragma once

namespace funt {

// x [N, C, H, W], w [O, C, kH, kW], y [N, O, Ho, Wo].
struct ConvGeometry {
  int N, C, H, W, O, kH, kW, strideH, strideW, padH, padW, Ho, Wo;
};

struct ConvPasses {
  // y = conv(x, w) + bias, + residual (y's shape) when given, then relu (relu(NaN) = 0) when set.
  void (*forward)(const ConvGeometry& g, const float* x, const float* w, const float* bias, const float* residual,
                  bool relu, float* y, int threads);
  // dx = gradient of the convolution w.r.t. x (overwritten).
  void (*backward_data)(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads);
  // dw (and db when not null) = gradient w.r.t. w (and bias); accumulate adds to them. Partial
  // sums over chunks of images fixed by N, added in order, so the bits do not depend on `threads`.
  void (*backward_filter)(const ConvGeometry& g, const float* x, const float* dy, float* dw, float* db,
                          bool accumulate, int threads);
};

// The passes of each build (conv.cc). Call a level's only when cpu_level() offers it.
namespace avx2 {
extern const ConvPasses passes;
}
namespace avx512 {
extern const ConvPasses passes;
}

}  // namespace funt
