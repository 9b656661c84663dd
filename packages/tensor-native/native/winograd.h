// Winograd F(4x4, 3x3) convolutions of winograd.cc: the forward pass (with the bias +
// residual + ReLU epilogue), the backward-data pass and the filter gradient of 3 x 3 stride-1
// convolutions.
#pragma once
#include "conv.h"
#include "isa.h"

namespace funt {
namespace FUNT_ISA {

// 3 x 3, stride 1, "valid" output size, enough input channels for the transforms to pay.
bool winograd_forward_applies(const ConvGeometry& g);
// The same for the transposed convolution (its input channels are g.O), and pad <= 2.
bool winograd_backward_data_applies(const ConvGeometry& g);

// 3 x 3, stride 1, "valid" output size, enough input and output channels.
bool winograd_filter_applies(const ConvGeometry& g);

void winograd_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                      const float* residual, bool relu, float* y, int threads);
void winograd_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads);
// The filter gradient [O][C * 9], summed over fixed chunks of images (fixed by N) in chunk
// order, in scratch slot 3 of thread 0 (the caller adds it to dw).
float* winograd_filter_gradient(const ConvGeometry& g, const float* x, const float* dy, int threads);

}  // namespace FUNT_ISA
}  // namespace funt
