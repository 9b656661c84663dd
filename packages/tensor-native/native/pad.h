// Constant padding, its gradient and fill over float arrays, split on the native thread pool:
// the ResNet shortcut's zero channels and the zeroed buffers of a training step. Reflect and
// replicate padding stay with the base backend.
#pragma once

namespace funt {

// The most axes pad and pad_backward take (the backend hands higher ranks to the base).
constexpr int kMaxPadRank = 8;

// x's shape and the elements added before and after along each of `rank` axes (1 <= rank <=
// kMaxPadRank, every count >= 0); the padded tensor's axis i is before[i] + x[i] + after[i].
struct PadGeometry {
  int rank;
  long x[kMaxPadRank], before[kMaxPadRank], after[kMaxPadRank];
};

// out = value over n floats.
void fill(float* out, long n, float value, int threads);

// out = x padded with `value`: every element of out is written once, a copy of x or value.
void pad(const PadGeometry& g, const float* x, float* out, float value, int threads);

// dx = the part of dy that x was copied to.
void pad_backward(const PadGeometry& g, const float* dy, float* dx, int threads);

}  // namespace funt
