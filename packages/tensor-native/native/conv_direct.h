// The direct (no im2col) convolution kernels of conv_direct.cc, and when they apply.
#pragma once
#include "conv.h"
#include "isa.h"

namespace funt {
namespace FUNT_ISA {

// Stride 1 or 3 x 3 stride 2, Wo a multiple of 8 (whole vectors per output row).
bool direct_forward_applies(const ConvGeometry& g);
// Stride 1, W a multiple of 8, pad <= k - 1 (the transposed convolution's padding).
bool direct_backward_data_applies(const ConvGeometry& g);
// Stride 1 or 3 x 3 stride 2, kW = 3, Wo a multiple of 8.
bool direct_filter_applies(const ConvGeometry& g);

void direct_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, const float* residual,
                    bool relu, float* y, int threads);
void direct_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads);

// 3 x 3, stride 2, padding 1, H even and W a multiple of 16 (the downsampling convolutions of a
// CIFAR ResNet): the backward-data pass by the parity of dx's rows and columns.
bool direct_strided_data_applies(const ConvGeometry& g);
void direct_strided_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads);
// The filter gradient's partial sums per chunk of `per` images, [chunks][O][C * kH * kW], in
// scratch slot 2 of thread 0 (the caller adds them in chunk order).
float* direct_filter_partials(const ConvGeometry& g, const float* x, const float* dy, int per, int chunks,
                              int threads);

}  // namespace FUNT_ISA
}  // namespace funt
