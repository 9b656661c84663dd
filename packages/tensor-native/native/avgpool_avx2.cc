// Average pooling for windows inside the input; see avgpool.h. A task is a fixed block of planes,
// and each window's sum runs in one order whatever the geometry's path, so the bits do not
// depend on the thread count. The pass reads each input once and is bound by memory, so the
// paths of a ResNet's geometries only keep the arithmetic out of the way:
// - 2 x 2 windows with stride 2 (the shortcut's subsampling): 8 outputs per step from two
//   16-float row pieces, split into even and odd columns by shuffles, summed x00 + x01 + x10 +
//   x11 in that order as the plain loop does, and the lanes put back in order;
// - one window covering the whole plane (the global pooling): the plane's floats summed in 8
//   lanes, then the lanes;
// - in the backward pass, windows that do not overlap write each dx once (the share in their
//   cells, 0 in the rows and columns no window covers), 2 x 2 ones 8 windows per step in one
//   loop over the plane; overlapping ones add into a zeroed plane.
// Sums start from -0, so that a window of zeros sums to the same zero as its first element.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "avgpool.h"
#include "thread_pool.h"
#include "vec_avx2.h"

namespace funt {
namespace {

constexpr int kPlanesPerTask = 64;

struct Job {
  PoolGeometry g;
  const float* in;
  float* out;
};

int tasks(const PoolGeometry& g) { return (g.P + kPlanesPerTask - 1) / kPlanesPerTask; }

bool pairs(const PoolGeometry& g) { return g.kH == 2 && g.kW == 2 && g.sH == 2 && g.sW == 2; }
bool global(const PoolGeometry& g) { return g.Ho == 1 && g.Wo == 1 && g.kH == g.H && g.kW == g.W; }

// The average of the window at (oh, ow), summed row by row from -0.
float window_average(const PoolGeometry& g, const float* x, int oh, int ow, float inv) {
  float sum = -0.0f;
  for (int kh = 0; kh < g.kH; kh++) {
    const float* row = x + static_cast<long>(oh * g.sH + kh) * g.W + ow * g.sW;
    for (int kw = 0; kw < g.kW; kw++) sum += row[kw];
  }
  return sum * inv;
}

// Output row oh of 2 x 2 stride-2 pooling: 8 outputs per step, the rest by window_average.
void pair_row(const PoolGeometry& g, const float* x, float* y, int oh, float inv) {
  const float* r0 = x + static_cast<long>(2 * oh) * g.W;
  const float* r1 = r0 + g.W;
  const __m256 scale = _mm256_set1_ps(inv);
  int ow = 0;
  for (; ow + 8 <= g.Wo; ow += 8) {
    const __m256 a0 = _mm256_loadu_ps(r0 + 2 * ow), b0 = _mm256_loadu_ps(r0 + 2 * ow + 8);
    const __m256 a1 = _mm256_loadu_ps(r1 + 2 * ow), b1 = _mm256_loadu_ps(r1 + 2 * ow + 8);
    // Even and odd columns, lanes in the order 0 1 4 5 2 3 6 7 of the outputs.
    const __m256 e0 = _mm256_shuffle_ps(a0, b0, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 o0 = _mm256_shuffle_ps(a0, b0, _MM_SHUFFLE(3, 1, 3, 1));
    const __m256 e1 = _mm256_shuffle_ps(a1, b1, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 o1 = _mm256_shuffle_ps(a1, b1, _MM_SHUFFLE(3, 1, 3, 1));
    const __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(e0, o0), e1), o1);
    const __m256 ordered = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(sum), _MM_SHUFFLE(3, 1, 2, 0)));
    _mm256_storeu_ps(y + static_cast<long>(oh) * g.Wo + ow, _mm256_mul_ps(ordered, scale));
  }
  for (; ow < g.Wo; ow++) y[static_cast<long>(oh) * g.Wo + ow] = window_average(g, x, oh, ow, inv);
}

// The average of a whole plane of n floats: 8 lanes of sums, then the lanes.
float plane_average(const float* x, int n, float inv) {
  __m256 acc = _mm256_set1_ps(-0.0f);
  int i = 0;
  for (; i + 8 <= n; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(x + i));
  if (i < n) {
    const __m256i mask = vec::tail_mask(n - i);
    const __m256 tail = _mm256_blendv_ps(_mm256_set1_ps(-0.0f), vec::load_tail(x + i, mask), _mm256_castsi256_ps(mask));
    acc = _mm256_add_ps(acc, tail);
  }
  return vec::hsum(acc) * inv;
}

void forward_planes(void* context, int task, int) {
  const Job& j = *static_cast<const Job*>(context);
  const PoolGeometry& g = j.g;
  const float inv = 1.0f / static_cast<float>(g.kH * g.kW);
  const int end = std::min(g.P, (task + 1) * kPlanesPerTask);
  for (int p = task * kPlanesPerTask; p < end; p++) {
    const float* x = j.in + static_cast<long>(p) * g.H * g.W;
    float* y = j.out + static_cast<long>(p) * g.Ho * g.Wo;
    if (global(g)) {
      y[0] = plane_average(x, g.H * g.W, inv);
    } else if (pairs(g)) {
      for (int oh = 0; oh < g.Ho; oh++) pair_row(g, x, y, oh, inv);
    } else {
      for (int oh = 0; oh < g.Ho; oh++) {
        for (int ow = 0; ow < g.Wo; ow++) y[oh * g.Wo + ow] = window_average(g, x, oh, ow, inv);
      }
    }
  }
}

// dx row kh of output row oh's windows when they do not overlap: each share kW times, then 0 in
// the columns no window covers.
void spread_row(const PoolGeometry& g, const float* dy, float* row, int oh, float inv) {
  const float* d = dy + static_cast<long>(oh) * g.Wo;
  for (int ow = 0; ow < g.Wo; ow++) std::fill_n(row + ow * g.sW, g.kW, d[ow] * inv);
  std::fill(row + g.Wo * g.sW, row + g.W, 0.0f);
}

// A plane of dx for 2 x 2 stride-2 windows: each dy's share in its 2 x 2 cells, 8 windows per
// step (the shares duplicated into pairs by unpacks and stored into both rows), 0 in a last
// row and column no window covers. One loop over the plane: its rows are short (16 or 32
// floats in a ResNet), so a call per row would cost as much as the stores.
void spread_pairs(const PoolGeometry& g, const float* dy, float* dx, float inv) {
  const __m256 scale = _mm256_set1_ps(inv);
  for (int oh = 0; oh < g.Ho; oh++) {
    const float* d = dy + static_cast<long>(oh) * g.Wo;
    float* r0 = dx + static_cast<long>(2 * oh) * g.W;
    float* r1 = r0 + g.W;
    int ow = 0;
    for (; ow + 8 <= g.Wo; ow += 8) {
      const __m256 s = _mm256_mul_ps(_mm256_loadu_ps(d + ow), scale);
      const __m256 lo = _mm256_unpacklo_ps(s, s), hi = _mm256_unpackhi_ps(s, s);  // 0 0 1 1 4 4 5 5, 2 2 3 3 6 6 7 7
      const __m256 first = _mm256_permute2f128_ps(lo, hi, 0x20), second = _mm256_permute2f128_ps(lo, hi, 0x31);
      _mm256_storeu_ps(r0 + 2 * ow, first);
      _mm256_storeu_ps(r0 + 2 * ow + 8, second);
      _mm256_storeu_ps(r1 + 2 * ow, first);
      _mm256_storeu_ps(r1 + 2 * ow + 8, second);
    }
    for (; ow < g.Wo; ow++) {
      const float share = d[ow] * inv;
      r0[2 * ow] = r0[2 * ow + 1] = r1[2 * ow] = r1[2 * ow + 1] = share;
    }
    for (int w = 2 * g.Wo; w < g.W; w++) r0[w] = r1[w] = 0.0f;
  }
  std::fill(dx + static_cast<long>(2 * g.Ho) * g.W, dx + static_cast<long>(g.H) * g.W, 0.0f);
}

void backward_planes(void* context, int task, int) {
  const Job& j = *static_cast<const Job*>(context);
  const PoolGeometry& g = j.g;
  const float inv = 1.0f / static_cast<float>(g.kH * g.kW);
  const bool disjoint = g.kH == g.sH && g.kW == g.sW;
  const int end = std::min(g.P, (task + 1) * kPlanesPerTask);
  for (int p = task * kPlanesPerTask; p < end; p++) {
    const float* dy = j.in + static_cast<long>(p) * g.Ho * g.Wo;
    float* dx = j.out + static_cast<long>(p) * g.H * g.W;
    if (pairs(g)) {
      spread_pairs(g, dy, dx, inv);
      continue;
    }
    if (disjoint) {
      for (int oh = 0; oh < g.Ho; oh++) {
        for (int kh = 0; kh < g.kH; kh++) spread_row(g, dy, dx + static_cast<long>(oh * g.sH + kh) * g.W, oh, inv);
      }
      std::fill(dx + static_cast<long>(g.Ho * g.sH) * g.W, dx + static_cast<long>(g.H) * g.W, 0.0f);
      continue;
    }
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
