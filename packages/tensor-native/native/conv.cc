// Convolutions as matrix products. Forward: Y_n[O, P] = W[O, K] * col(x_n)[K, P] with
// K = C*kH*kW and P = Ho*Wo, then bias, residual and ReLU on the stored tile rows. Backward data:
// col = W^T * dY_n, scattered back (col2im). Backward filter: dW += dY_n * col(x_n)^T over the
// images of fixed chunks, then the chunks' ordered sum. A 1 x 1 stride-1 unpadded convolution
// reads the image itself as col.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv.h"
#include "conv_direct.h"
#include "gemm.h"
#include "scratch.h"
#include "thread_pool.h"
#include "winograd.h"

namespace funt {
namespace FUNT_ISA {
namespace {

inline long K_of(const ConvGeometry& g) { return (long)g.C * g.kH * g.kW; }
inline long P_of(const ConvGeometry& g) { return (long)g.Ho * g.Wo; }
inline bool direct(const ConvGeometry& g) {
  return g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padH == 0 && g.padW == 0;
}

// The output columns [lo, hi) whose input column ow*s - pad + kj lies inside [0, W).
inline void valid_columns(int Wo, int W, int s, int pad, int kj, int* lo, int* hi) {
  int l = 0;
  while (l < Wo && l * s - pad + kj < 0) l++;
  int h = Wo;
  while (h > l && (h - 1) * s - pad + kj >= W) h--;
  *lo = l;
  *hi = h;
}

// col[K, P] from one image x[C, H, W] (zeros where a tap falls in the padding).
void im2col(const ConvGeometry& g, const float* x, float* col) {
  const long P = P_of(g);
  for (int c = 0; c < g.C; c++)
    for (int ki = 0; ki < g.kH; ki++)
      for (int kj = 0; kj < g.kW; kj++) {
        float* row = col + ((long)(c * g.kH + ki) * g.kW + kj) * P;
        int lo, hi;
        valid_columns(g.Wo, g.W, g.strideW, g.padW, kj, &lo, &hi);
        for (int oh = 0; oh < g.Ho; oh++) {
          float* dst = row + (long)oh * g.Wo;
          int ih = oh * g.strideH - g.padH + ki;
          if (ih < 0 || ih >= g.H || lo >= hi) {
            std::memset(dst, 0, sizeof(float) * g.Wo);
            continue;
          }
          const float* src = x + ((long)c * g.H + ih) * g.W - g.padW + kj;
          for (int ow = 0; ow < lo; ow++) dst[ow] = 0.0f;
          if (g.strideW == 1)
            std::memcpy(dst + lo, src + lo, sizeof(float) * (hi - lo));
          else
            for (int ow = lo; ow < hi; ow++) dst[ow] = src[(long)ow * g.strideW];
          for (int ow = hi; ow < g.Wo; ow++) dst[ow] = 0.0f;
        }
      }
}

// dx[C, H, W] = the sum of col[K, P] over every tap that read each pixel (dx overwritten).
void col2im(const ConvGeometry& g, const float* col, float* dx) {
  const long P = P_of(g);
  std::memset(dx, 0, sizeof(float) * g.C * g.H * g.W);
  for (int c = 0; c < g.C; c++)
    for (int ki = 0; ki < g.kH; ki++)
      for (int kj = 0; kj < g.kW; kj++) {
        const float* row = col + ((long)(c * g.kH + ki) * g.kW + kj) * P;
        int lo, hi;
        valid_columns(g.Wo, g.W, g.strideW, g.padW, kj, &lo, &hi);
        if (lo >= hi) continue;
        for (int oh = 0; oh < g.Ho; oh++) {
          int ih = oh * g.strideH - g.padH + ki;
          if (ih < 0 || ih >= g.H) continue;
          const float* src = row + (long)oh * g.Wo;
          float* dst = dx + ((long)c * g.H + ih) * g.W - g.padW + kj;
          if (g.strideW == 1) {
            int ow = lo;
            for (; ow + 8 <= hi; ow += 8)
              _mm256_storeu_ps(dst + ow, _mm256_add_ps(_mm256_loadu_ps(dst + ow), _mm256_loadu_ps(src + ow)));
            for (; ow < hi; ow++) dst[ow] += src[ow];
          } else {
            for (int ow = lo; ow < hi; ow++) dst[(long)ow * g.strideW] += src[ow];
          }
        }
      }
}

// y[O, P] += bias, + residual, then relu, in one pass over the rows the GEMM just stored.
void epilogue(const ConvGeometry& g, const float* bias, const float* residual, bool relu, float* y) {
  const long P = P_of(g);
  const __m256 zero = _mm256_setzero_ps();
  for (int o = 0; o < g.O; o++) {
    float* row = y + o * P;
    const float* res = residual ? residual + o * P : nullptr;
    const float b = bias ? bias[o] : 0.0f;
    const __m256 vb = _mm256_set1_ps(b);
    long p = 0;
    for (; p + 8 <= P; p += 8) {
      __m256 v = _mm256_loadu_ps(row + p);
      if (bias) v = _mm256_add_ps(v, vb);
      if (res) v = _mm256_add_ps(v, _mm256_loadu_ps(res + p));
      // max(v, 0) returns its second operand for NaN: relu(NaN) = 0.
      if (relu) v = _mm256_max_ps(v, zero);
      _mm256_storeu_ps(row + p, v);
    }
    for (; p < P; p++) {
      float v = row[p];
      if (bias) v += b;
      if (res) v += res[p];
      if (relu) v = v > 0.0f ? v : 0.0f;
      row[p] = v;
    }
  }
}

struct Buffers {
  std::vector<float*> col;
  std::vector<float*> gemm;
};

Buffers thread_buffers(int threads, std::size_t col_floats) {
  Buffers b;
  for (int t = 0; t < threads; t++) {
    b.col.push_back(col_floats ? scratch(t, 0, col_floats) : nullptr);
    b.gemm.push_back(scratch(t, 1, gemm_scratch_floats()));
  }
  return b;
}

struct ForwardJob {
  const ConvGeometry* g;
  const float *x, *w, *bias, *residual;
  bool relu;
  float* y;
  Buffers buffers;
};

void forward_image(void* context, int n, int thread) {
  auto& j = *static_cast<ForwardJob*>(context);
  const ConvGeometry& g = *j.g;
  const long K = K_of(g), P = P_of(g);
  const float* xn = j.x + (long)n * g.C * g.H * g.W;
  float* yn = j.y + (long)n * g.O * P;
  const float* col = xn;
  if (!direct(g)) {
    im2col(g, xn, j.buffers.col[thread]);
    col = j.buffers.col[thread];
  }
  sgemm(g.O, (int)P, (int)K, 1.0f, {j.w, K, 1}, {col, P, 1}, 0.0f, yn, P, j.buffers.gemm[thread]);
  if (j.bias || j.residual || j.relu) epilogue(g, j.bias, j.residual ? j.residual + (long)n * g.O * P : nullptr, j.relu, yn);
}

struct BackwardDataJob {
  const ConvGeometry* g;
  const float *dy, *w;
  float* dx;
  Buffers buffers;
};

void backward_data_image(void* context, int n, int thread) {
  auto& j = *static_cast<BackwardDataJob*>(context);
  const ConvGeometry& g = *j.g;
  const long K = K_of(g), P = P_of(g);
  const float* dyn = j.dy + (long)n * g.O * P;
  float* dxn = j.dx + (long)n * g.C * g.H * g.W;
  // W^T: element (k, o) of the [K, O] matrix is w[o * K + k].
  if (direct(g)) {
    sgemm((int)K, (int)P, g.O, 1.0f, {j.w, 1, K}, {dyn, P, 1}, 0.0f, dxn, P, j.buffers.gemm[thread]);
    return;
  }
  float* col = j.buffers.col[thread];
  sgemm((int)K, (int)P, g.O, 1.0f, {j.w, 1, K}, {dyn, P, 1}, 0.0f, col, P, j.buffers.gemm[thread]);
  col2im(g, col, dxn);
}

// Images per chunk of the filter gradient: fixed by N alone (at most 16 chunks).
inline int chunk_images(int N) { return (N + 15) / 16; }

struct BackwardFilterJob {
  const ConvGeometry* g;
  const float *x, *dy;
  float* partials;  // [chunks, O, K]
  Buffers buffers;
};

void backward_filter_chunk(void* context, int chunk, int thread) {
  auto& j = *static_cast<BackwardFilterJob*>(context);
  const ConvGeometry& g = *j.g;
  const long K = K_of(g), P = P_of(g);
  const int per = chunk_images(g.N);
  const int n0 = chunk * per, n1 = std::min(g.N, n0 + per);
  float* partial = j.partials + (long)chunk * g.O * K;
  for (int n = n0; n < n1; n++) {
    const float* xn = j.x + (long)n * g.C * g.H * g.W;
    const float* col = xn;
    if (!direct(g)) {
      im2col(g, xn, j.buffers.col[thread]);
      col = j.buffers.col[thread];
    }
    // col^T: element (p, k) of the [P, K] matrix is col[k * P + p].
    sgemm(g.O, (int)K, (int)P, 1.0f, {j.dy + (long)n * g.O * P, P, 1}, {col, 1, P}, n == n0 ? 0.0f : 1.0f, partial, K,
          j.buffers.gemm[thread]);
  }
}

struct ReduceJob {
  const ConvGeometry* g;
  const float* partials;
  int chunks;
  const float* dy;
  float *dw, *db;
  bool accumulate;
};

// Row o of dw (and db[o]): the chunks' partial sums in chunk order.
void reduce_row(void* context, int o, int) {
  auto& j = *static_cast<ReduceJob*>(context);
  const ConvGeometry& g = *j.g;
  const long K = K_of(g), P = P_of(g);
  float* row = j.dw + o * K;
  const long stride = (long)g.O * K;
  for (long k = 0; k < K; k++) {
    float s = j.accumulate ? row[k] : 0.0f;
    for (int c = 0; c < j.chunks; c++) s += j.partials[c * stride + o * K + k];
    row[k] = s;
  }
  if (j.db) {
    float s = 0.0f;
    for (int n = 0; n < g.N; n++) {
      const float* r = j.dy + ((long)n * g.O + o) * P;
      __m256 acc = _mm256_setzero_ps();
      long p = 0;
      for (; p + 8 <= P; p += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(r + p));
      alignas(32) float lanes[8];
      _mm256_store_ps(lanes, acc);
      float t = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
      for (; p < P; p++) t += r[p];
      s += t;
    }
    j.db[o] = j.accumulate ? j.db[o] + s : s;
  }
}

}  // namespace

void conv2d_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, const float* residual,
                    bool relu, float* y, int threads) {
  if (winograd_forward_applies(g)) {
    winograd_forward(g, x, w, bias, residual, relu, y, threads);
    return;
  }
  if (direct_forward_applies(g)) {
    direct_forward(g, x, w, bias, residual, relu, y, threads);
    return;
  }
  threads = std::max(1, std::min(threads, g.N));
  ForwardJob job{&g, x, w, bias, residual, relu, y,
                 thread_buffers(threads, direct(g) ? 0 : (std::size_t)K_of(g) * P_of(g))};
  parallel_for(g.N, threads, forward_image, &job);
}

void conv2d_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads) {
  if (winograd_backward_data_applies(g)) {
    winograd_backward_data(g, dy, w, dx, threads);
    return;
  }
  if (direct_backward_data_applies(g)) {
    direct_backward_data(g, dy, w, dx, threads);
    return;
  }
  if (direct_strided_data_applies(g)) {
    direct_strided_backward_data(g, dy, w, dx, threads);
    return;
  }
  threads = std::max(1, std::min(threads, g.N));
  BackwardDataJob job{&g, dy, w, dx, thread_buffers(threads, direct(g) ? 0 : (std::size_t)K_of(g) * P_of(g))};
  parallel_for(g.N, threads, backward_data_image, &job);
}

void conv2d_backward_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw, float* db,
                            bool accumulate, int threads) {
  const long K = K_of(g);
  const int per = chunk_images(g.N);
  const int chunks = (g.N + per - 1) / per;
  float* partials;
  int summed = chunks;  // partial sums left to add
  if (winograd_filter_applies(g)) {
    partials = winograd_filter_gradient(g, x, dy, threads);
    summed = 1;
  } else if (direct_filter_applies(g)) {
    partials = direct_filter_partials(g, x, dy, per, chunks, threads);
  } else {
    partials = scratch(0, 2, (std::size_t)chunks * g.O * K);
    int t1 = std::max(1, std::min(threads, chunks));
    BackwardFilterJob job{&g, x, dy, partials, thread_buffers(t1, direct(g) ? 0 : (std::size_t)K * P_of(g))};
    parallel_for(chunks, t1, backward_filter_chunk, &job);
  }
  ReduceJob reduce{&g, partials, summed, dy, dw, db, accumulate};
  parallel_for(g.O, std::max(1, std::min(threads, g.O)), reduce_row, &reduce);
}

const ConvPasses passes{conv2d_forward, conv2d_backward_data, conv2d_backward_filter};

}  // namespace FUNT_ISA
}  // namespace funt
