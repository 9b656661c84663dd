// Average pooling for windows inside the input; see avgpool.h. Plain loops: the pass reads each
// input once and is bound by memory, not arithmetic. A task is a fixed block of planes, and each
// window's sum runs in one order, so the bits do not depend on the thread count.
#include <algorithm>
#include <cstring>

#include "avgpool.h"
#include "thread_pool.h"

namespace funt {
namespace {

constexpr int kPlanesPerTask = 64;

struct Job {
  PoolGeometry g;
  const float* in;
  float* out;
};

int tasks(const PoolGeometry& g) { return (g.P + kPlanesPerTask - 1) / kPlanesPerTask; }

void forward_planes(void* context, int task, int) {
  const Job& j = *static_cast<const Job*>(context);
  const PoolGeometry& g = j.g;
  const float inv = 1.0f / static_cast<float>(g.kH * g.kW);
  const int end = std::min(g.P, (task + 1) * kPlanesPerTask);
  for (int p = task * kPlanesPerTask; p < end; p++) {
    const float* x = j.in + static_cast<long>(p) * g.H * g.W;
    float* y = j.out + static_cast<long>(p) * g.Ho * g.Wo;
    for (int oh = 0; oh < g.Ho; oh++) {
      for (int ow = 0; ow < g.Wo; ow++) {
        float sum = 0;
        for (int kh = 0; kh < g.kH; kh++) {
          const float* row = x + static_cast<long>(oh * g.sH + kh) * g.W + ow * g.sW;
          for (int kw = 0; kw < g.kW; kw++) sum += row[kw];
        }
        y[oh * g.Wo + ow] = sum * inv;
      }
    }
  }
}

void backward_planes(void* context, int task, int) {
  const Job& j = *static_cast<const Job*>(context);
  const PoolGeometry& g = j.g;
  const float inv = 1.0f / static_cast<float>(g.kH * g.kW);
  const int end = std::min(g.P, (task + 1) * kPlanesPerTask);
  for (int p = task * kPlanesPerTask; p < end; p++) {
    const float* dy = j.in + static_cast<long>(p) * g.Ho * g.Wo;
    float* dx = j.out + static_cast<long>(p) * g.H * g.W;
    std::memset(dx, 0, sizeof(float) * g.H * g.W);
    for (int oh = 0; oh < g.Ho; oh++) {
      for (int ow = 0; ow < g.Wo; ow++) {
        const float share = dy[oh * g.Wo + ow] * inv;
        for (int kh = 0; kh < g.kH; kh++) {
          float* row = dx + static_cast<long>(oh * g.sH + kh) * g.W + ow * g.sW;
          for (int kw = 0; kw < g.kW; kw++) row[kw] += share;
        }
      }
    }
  }
}

}  // namespace

void avg_pool2d(const PoolGeometry& g, const float* x, float* y, int threads) {
  Job job{g, x, y};
  parallel_for(tasks(g), threads, forward_planes, &job);
}

void avg_pool2d_backward(const PoolGeometry& g, const float* dy, float* dx, int threads) {
  Job job{g, dy, dx};
  parallel_for(tasks(g), threads, backward_planes, &job);
}

}  // namespace funt
