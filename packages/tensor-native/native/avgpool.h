// Average pooling over windows that lie inside the input (no padding, every window whole, so
// each divides by kH * kW), split over planes on the native thread pool: a ResNet's global
// average pooling. Other geometries stay with the base backend.
#pragma once

namespace funt {

// Planes P of x [H, W] and y [Ho, Wo]; output (oh, ow) averages rows [oh sH, oh sH + kH) and
// columns [ow sW, ow sW + kW).
struct PoolGeometry {
  int P, H, W, Ho, Wo, kH, kW, sH, sW;
};

// y = the average of each window of x.
void avg_pool2d(const PoolGeometry& g, const float* x, float* y, int threads);

// dx (overwritten) = each dy / (kH kW) added to every cell of its window.
void avg_pool2d_backward(const PoolGeometry& g, const float* dy, float* dx, int threads);

}  // namespace funt
