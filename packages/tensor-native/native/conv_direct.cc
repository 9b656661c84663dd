// Direct convolutions (stride 1, and 3 x 3 stride 2): no im2col matrix. The image is copied once
// into a zero-padded buffer, each padded row split into s column phases (stride s: phase j holds
// the padded columns s i + j), so the inputs of 8 neighbouring outputs at one tap are 8
// consecutive floats of one phase. A 4-output-channel x 3-vector (24-pixel) tile then reads its
// input vectors straight from the padded rows, one unaligned load per vector and tap, and
// broadcasts the 4 weights of the tap from a [taps][O] copy of the weights: 3 loads, 4
// broadcasts, 12 FMAs per tap (the AVX-512 build: 8 vectors as 4 zmm pairs, 16 FMAs of twice
// the width; 8 vectors divide CIFAR's planes, 8, 32 and 128 vectors, with no tile half empty). The backward-data pass (stride 1) is the same kernel on dy,
// padded by k - 1 - pad, with the weights flipped and transposed. The filter gradient
// accumulates 4 output channels x 3 horizontal taps as 12 vectors of per-lane partial sums over
// every pixel of a chunk of images, and adds their lanes once per chunk.
#include "conv_direct.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "scratch.h"
#include "thread_pool.h"

namespace funt {
namespace FUNT_ISA {
namespace {

constexpr int MR = 4;  // output channels per tile
// Pixel vectors (of 8) per tile: 3 in 12 ymm accumulators, or with AVX-512 8, as 4 zmm pairs in
// 16 accumulators (6 as 3 pairs left an 8 x 8 plane's second tile two-thirds empty).
constexpr int NV = FUNT_WIDE ? 8 : 3;

// The padded image of a stride: Hp rows of s phases of Wq floats each (phase j, element i: padded
// column s i + j), a row L = s Wq floats long. Stride 1: the plain padded image. Stride 2: Wq
// whole vectors (the elements past the padded row are zeros).
struct Padded {
  int s, Hp, Wq;
  long L;
};

Padded padded_of(int H, int W, int padH, int padW, int s) {
  const int Wp = W + 2 * padW;
  const int Wq = s == 1 ? Wp : ((Wp + s - 1) / s + 7) / 8 * 8;
  return {s, H + 2 * padH, Wq, (long)s * Wq};
}

// src [C, H, W] into dst [C, H + 2 padH, W + 2 padW] with zeros around, rows split into s phases.
void pad_image(const float* src, int C, int H, int W, int padH, int padW, const Padded& pd, float* dst) {
  const int Hp = H + 2 * padH, Wp = W + 2 * padW;
  if (pd.s == 2) {
    // 16 padded columns at a time: two masked loads (the lanes outside the row read as zeros;
    // their addresses may lie outside it, masked lanes are never read), even and odd lanes apart.
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), none = _mm256_set1_epi32(-1);
    const __m256i width = _mm256_set1_epi32(W);
    for (int c = 0; c < C; c++)
      for (int row = 0; row < Hp; row++) {
        float* d = dst + ((long)c * Hp + row) * pd.L;
        const int h = row - padH;
        if (h < 0 || h >= H) {
          std::memset(d, 0, sizeof(float) * pd.L);
          continue;
        }
        const std::uintptr_t line = reinterpret_cast<std::uintptr_t>(src + ((long)c * H + h) * W);
        for (int k = 0; k < pd.Wq; k += 8) {
          const int c0 = 2 * k - padW;
          const __m256i ca = _mm256_add_epi32(iota, _mm256_set1_epi32(c0));
          const __m256i cb = _mm256_add_epi32(ca, _mm256_set1_epi32(8));
          const __m256i ma = _mm256_and_si256(_mm256_cmpgt_epi32(ca, none), _mm256_cmpgt_epi32(width, ca));
          const __m256i mb = _mm256_and_si256(_mm256_cmpgt_epi32(cb, none), _mm256_cmpgt_epi32(width, cb));
          const __m256 a = _mm256_maskload_ps(reinterpret_cast<const float*>(line + (std::intptr_t)c0 * 4), ma);
          const __m256 b = _mm256_maskload_ps(reinterpret_cast<const float*>(line + (std::intptr_t)(c0 + 8) * 4), mb);
          // shuffle: [a0 a2 b0 b2 | a4 a6 b4 b6]; the 64-bit lane order 0 2 1 3 puts it in order.
          const __m256 even = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
          const __m256 odd = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
          _mm256_storeu_ps(d + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), 0xD8)));
          _mm256_storeu_ps(d + pd.Wq + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(odd), 0xD8)));
        }
      }
    return;
  }
  for (int c = 0; c < C; c++) {
    float* plane = dst + (long)c * Hp * Wp;
    std::memset(plane, 0, sizeof(float) * Wp * padH);
    for (int h = 0; h < H; h++) {
      float* row = plane + (long)(h + padH) * Wp;
      std::memset(row, 0, sizeof(float) * padW);
      std::memcpy(row + padW, src + ((long)c * H + h) * W, sizeof(float) * W);
      std::memset(row + padW + W, 0, sizeof(float) * padW);
    }
    std::memset(plane + (long)(H + padH) * Wp, 0, sizeof(float) * Wp * padH);
  }
}

struct Direct {
  int Cin, kH, kW, Cout, Ho, Wo, Opad;
  Padded pd;
  const float* wp;  // [Cin * kH * kW][Opad]
};

// Stores the sums acc[r][v] of a tile's output channels o0 + r < o0 + m and its first nv pixel
// vectors (at px[v] of an output plane), + bias, + residual, ReLU.
void store_tile(const Direct& d, const __m256 (&acc)[MR][NV], int o0, int m, int nv, const long* px, float* y,
                const float* bias, const float* residual, bool relu) {
  const long P = (long)d.Ho * d.Wo;
  const __m256 zero = _mm256_setzero_ps();
  for (int r = 0; r < m; r++) {
    const int o = o0 + r;
    const __m256 vb = _mm256_set1_ps(bias ? bias[o] : 0.0f);
    for (int v = 0; v < nv; v++) {
      __m256 t = acc[r][v];
      if (bias) t = _mm256_add_ps(t, vb);
      if (residual) t = _mm256_add_ps(t, _mm256_loadu_ps(residual + o * P + px[v]));
      if (relu) t = _mm256_max_ps(t, zero);  // max(NaN, 0) = 0
      _mm256_storeu_ps(y + o * P + px[v], t);
    }
  }
}

#if FUNT_WIDE
// One tile: output channels [o0, o0 + m) at eight pixel vectors: `in` their offsets into a padded
// plane, `px` into the output plane (each 8 pixels of one row), the first `nv` stored. Vectors
// 2k and 2k + 1 share a zmm register (two loads, one insert: they need not be adjacent);
// taps[t] is tap t's offset in the padded image. Per tap: 4 pairs, 4 broadcasts, 16 FMAs.
void tile(const Direct& d, const long* taps, const float* xp, int o0, int m, int nv, const long* in, const long* px,
          float* y, const float* bias, const float* residual, bool relu) {
  constexpr int NZ = NV / 2;
  __m512 acc[MR][NZ];
  for (int r = 0; r < MR; r++)
    for (int k = 0; k < NZ; k++) acc[r][k] = _mm512_setzero_ps();
  const float* x[NV];
  for (int v = 0; v < NV; v++) x[v] = xp + in[v];
  const float* w = d.wp + o0;
  const int T = d.Cin * d.kH * d.kW;
  for (int t = 0; t < T; t++) {
    const long off = taps[t];
    __m512 b[NZ];
#pragma GCC unroll 4
    for (int k = 0; k < NZ; k++)
      b[k] = _mm512_insertf32x8(_mm512_castps256_ps512(_mm256_loadu_ps(x[2 * k] + off)),
                                _mm256_loadu_ps(x[2 * k + 1] + off), 1);
#pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      const __m512 a = _mm512_set1_ps(w[r]);
#pragma GCC unroll 4
      for (int k = 0; k < NZ; k++) acc[r][k] = _mm512_fmadd_ps(a, b[k], acc[r][k]);
    }
    w += d.Opad;
  }
  __m256 halves[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int k = 0; k < NZ; k++) {
      halves[r][2 * k] = _mm512_castps512_ps256(acc[r][k]);
      halves[r][2 * k + 1] = _mm512_extractf32x8_ps(acc[r][k], 1);
    }
  store_tile(d, halves, o0, m, nv, px, y, bias, residual, relu);
}
#else
// One tile: output channels [o0, o0 + m) at three pixel vectors: `in` their offsets into a
// padded plane, `px` into the output plane (each 8 pixels of one row), the first `nv` stored.
// taps[t] is tap t's offset in the padded image (c * plane + ki * L + its phase and element); the 12 named
// accumulators stay in registers across the one loop over taps.
void tile(const Direct& d, const long* taps, const float* xp, int o0, int m, int nv, const long* in, const long* px,
          float* y, const float* bias, const float* residual, bool relu) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
  __m256 c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
  const float* x0 = xp + in[0];
  const float* x1 = xp + in[1];
  const float* x2 = xp + in[2];
  const float* w = d.wp + o0;
  const int T = d.Cin * d.kH * d.kW;
  for (int t = 0; t < T; t++) {
    const long off = taps[t];
    __m256 b0 = _mm256_loadu_ps(x0 + off);
    __m256 b1 = _mm256_loadu_ps(x1 + off);
    __m256 b2 = _mm256_loadu_ps(x2 + off);
    __m256 a = _mm256_broadcast_ss(w);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    c02 = _mm256_fmadd_ps(a, b2, c02);
    a = _mm256_broadcast_ss(w + 1);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    c12 = _mm256_fmadd_ps(a, b2, c12);
    a = _mm256_broadcast_ss(w + 2);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    c22 = _mm256_fmadd_ps(a, b2, c22);
    a = _mm256_broadcast_ss(w + 3);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    c32 = _mm256_fmadd_ps(a, b2, c32);
    w += d.Opad;
  }
  const __m256 acc[MR][NV] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32}};
  store_tile(d, acc, o0, m, nv, px, y, bias, residual, relu);
}
#endif

// The whole output [Cout, Ho, Wo] of one padded image.
void direct_image(const Direct& d, const long* taps, const float* xp, float* y, const float* bias,
                  const float* residual, bool relu) {
  const int perRow = d.Wo / 8;
  const int vectors = d.Ho * perRow;
  long in[NV], px[NV];
  for (int o0 = 0; o0 < d.Cout; o0 += MR) {
    const int m = std::min(MR, d.Cout - o0);
    for (int v0 = 0; v0 < vectors; v0 += NV) {
      const int nv = std::min(NV, vectors - v0);
      for (int v = 0; v < NV; v++) {
        // A tile past the last vector recomputes the first one and does not store it.
        const int at = v < nv ? v0 + v : v0;
        const int oh = at / perRow, ow = at % perRow * 8;
        in[v] = (long)oh * d.pd.s * d.pd.L + ow;
        px[v] = (long)oh * d.Wo + ow;
      }
      tile(d, taps, xp, o0, m, nv, in, px, y, bias, residual, relu);
    }
  }
}

struct DirectJob {
  Direct d;
  const float* src;  // [N, Cin, H, W] (unpadded)
  int H, W, padH, padW;
  float* y;  // [N, Cout, Ho, Wo]
  const float *bias, *residual;
  bool relu;
  const long* taps;
  float* const* padded;  // one buffer per thread
};

void direct_job(void* context, int n, int thread) {
  auto& j = *static_cast<DirectJob*>(context);
  const Direct& d = j.d;
  float* xp = j.padded[thread];
  pad_image(j.src + (long)n * d.Cin * j.H * j.W, d.Cin, j.H, j.W, j.padH, j.padW, d.pd, xp);
  const long out = (long)d.Cout * d.Ho * d.Wo;
  direct_image(d, j.taps, xp, j.y + n * out, j.bias, j.residual ? j.residual + n * out : nullptr, j.relu);
}

// Runs the direct kernel over N images. `wp` is [Cin * kH * kW][Opad].
void run_direct(int N, const Direct& d, const float* src, int H, int W, int padH, int padW, float* y,
                const float* bias, const float* residual, bool relu, int threads) {
  threads = std::max(1, std::min(threads, N));
  // One float of slack: the last tap's last vector may read one past the plane.
  const std::size_t floats = (std::size_t)d.Cin * d.pd.Hp * d.pd.L + 16;
  float* padded[kMaxThreads];
  for (int t = 0; t < threads; t++) padded[t] = scratch(t, 0, floats);
  std::vector<long> taps;
  for (int c = 0; c < d.Cin; c++)
    for (int ki = 0; ki < d.kH; ki++)
      for (int kj = 0; kj < d.kW; kj++)
        taps.push_back(((long)c * d.pd.Hp + ki) * d.pd.L + (kj % d.pd.s) * d.pd.Wq + kj / d.pd.s);
  DirectJob job{d, src, H, W, padH, padW, y, bias, residual, relu, taps.data(), padded};
  parallel_for(N, threads, direct_job, &job);
}

int round_up(int v, int m) { return (v + m - 1) / m * m; }

// Stride 1, or 3 x 3 with stride 2 (the downsampling convolutions of a ResNet); the output size
// the strided window gives.
bool stride_fits(const ConvGeometry& g) {
  const int s = g.strideH;
  if (g.strideW != s || !(s == 1 || (s == 2 && g.kH == 3 && g.kW == 3))) return false;
  const int spanH = g.H + 2 * g.padH - g.kH, spanW = g.W + 2 * g.padW - g.kW;
  return spanH >= 0 && spanW >= 0 && g.Ho == spanH / s + 1 && g.Wo == spanW / s + 1;
}

}  // namespace

bool direct_forward_applies(const ConvGeometry& g) {
  return stride_fits(g) && g.Wo % 8 == 0 && g.C * g.kH * g.kW >= 16;
}

bool direct_backward_data_applies(const ConvGeometry& g) {
  return g.strideH == 1 && g.strideW == 1 && g.W % 8 == 0 && g.padH <= g.kH - 1 && g.padW <= g.kW - 1 &&
         g.Ho == g.H + 2 * g.padH - g.kH + 1 && g.Wo == g.W + 2 * g.padW - g.kW + 1 && g.O * g.kH * g.kW >= 16;
}

bool direct_filter_applies(const ConvGeometry& g) { return stride_fits(g) && g.Wo % 8 == 0 && g.kW == 3; }

void direct_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, const float* residual,
                    bool relu, float* y, int threads) {
  const int taps = g.C * g.kH * g.kW;
  const int Opad = round_up(g.O, MR);
  float* wp = scratch(0, 2, (std::size_t)taps * Opad);
  // wp[t][o] = w[o][t]
  for (int t = 0; t < taps; t++)
    for (int o = 0; o < Opad; o++) wp[(long)t * Opad + o] = o < g.O ? w[(long)o * taps + t] : 0.0f;
  Direct d{g.C, g.kH, g.kW, g.O, g.Ho, g.Wo, Opad, padded_of(g.H, g.W, g.padH, g.padW, g.strideH), wp};
  run_direct(g.N, d, x, g.H, g.W, g.padH, g.padW, y, bias, residual, relu, threads);
}

void direct_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads) {
  const int taps = g.O * g.kH * g.kW;
  const int Cpad = round_up(g.C, MR);
  float* wp = scratch(0, 2, (std::size_t)taps * Cpad);
  // wp[(o, ki, kj)][c] = w[o][c][kH - 1 - ki][kW - 1 - kj]: the transposed convolution's weights.
  for (int o = 0; o < g.O; o++)
    for (int ki = 0; ki < g.kH; ki++)
      for (int kj = 0; kj < g.kW; kj++) {
        float* row = wp + ((long)(o * g.kH + ki) * g.kW + kj) * Cpad;
        for (int c = 0; c < Cpad; c++)
          row[c] = c < g.C ? w[(((long)o * g.C + c) * g.kH + (g.kH - 1 - ki)) * g.kW + (g.kW - 1 - kj)] : 0.0f;
      }
  const int qH = g.kH - 1 - g.padH, qW = g.kW - 1 - g.padW;
  Direct d{g.O, g.kH, g.kW, g.C, g.H, g.W, Cpad, padded_of(g.Ho, g.Wo, qH, qW, 1), wp};
  run_direct(g.N, d, dy, g.Ho, g.Wo, qH, qW, dx, nullptr, nullptr, false, threads);
}

bool direct_strided_data_applies(const ConvGeometry& g) {
  return g.strideH == 2 && g.strideW == 2 && g.kH == 3 && g.kW == 3 && g.padH == 1 && g.padW == 1 && g.H % 2 == 0 &&
         g.W % 16 == 0 && g.Ho == g.H / 2 && g.Wo == g.W / 2;
}

namespace {

// The backward-data pass of a 3 x 3 stride-2 convolution with padding 1, by the parity of dx's
// rows and columns: the pixels (2i + a, 2j + b) of dx are a stride-1 convolution of dy (padded
// by 1) with the taps (ki, kj) that reach them, ki = 1 for even rows, ki = 0 (dy row i + 1) and
// 2 (row i) for odd ones, and the same for columns. Each of the four phases runs the direct
// kernel into its own [C][H / 2][W / 2] plane; the even and odd columns are then interleaved.
struct PhaseTaps {
  int n;         // taps per dy channel: 1, 2 or 4
  int ki[4], kj[4];
  int di[4], dj[4];  // the dy row and column offset of each tap: 0 or 1
};

PhaseTaps phase_taps(int a, int b) {
  static const int taps[2][2] = {{1, -1}, {0, 2}};  // [parity]: the kernel rows (or columns)
  PhaseTaps t{};
  for (int r = 0; r <= a; r++)
    for (int c = 0; c <= b; c++) {
      const int ki = taps[a][r], kj = taps[b][c];
      // dy row oh = i + (a + 1 - ki) / 2, column likewise.
      t.ki[t.n] = ki, t.kj[t.n] = kj, t.di[t.n] = (a + 1 - ki) / 2, t.dj[t.n] = (b + 1 - kj) / 2;
      t.n++;
    }
  return t;
}

struct StridedDataJob {
  Direct d[4];  // phase 2a + b
  const long* taps[4];
  const float* dy;
  float* dx;
  int O, Ho, Wo, C, H, W;
  float* const* padded;
  float* const* phases;
};

void strided_data_image(void* context, int n, int thread) {
  auto& j = *static_cast<StridedDataJob*>(context);
  float* dyp = j.padded[thread];
  pad_image(j.dy + (long)n * j.O * j.Ho * j.Wo, j.O, j.Ho, j.Wo, 1, 1, j.d[0].pd, dyp);
  const long P = (long)j.Ho * j.Wo;
  float* ph = j.phases[thread];
  for (int k = 0; k < 4; k++) direct_image(j.d[k], j.taps[k], dyp, ph + k * j.C * P, nullptr, nullptr, false);
  float* dx = j.dx + (long)n * j.C * j.H * j.W;
  for (int c = 0; c < j.C; c++)
    for (int i = 0; i < j.Ho; i++)
      for (int a = 0; a < 2; a++) {
        const float* even = ph + (2 * a * j.C + c) * P + (long)i * j.Wo;
        const float* odd = even + j.C * P;
        float* row = dx + ((long)c * j.H + 2 * i + a) * j.W;
        for (int q = 0; q < j.Wo; q += 8) {
          const __m256 e = _mm256_loadu_ps(even + q), o = _mm256_loadu_ps(odd + q);
          const __m256 lo = _mm256_unpacklo_ps(e, o), hi = _mm256_unpackhi_ps(e, o);
          _mm256_storeu_ps(row + 2 * q, _mm256_permute2f128_ps(lo, hi, 0x20));
          _mm256_storeu_ps(row + 2 * q + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
        }
      }
}

}  // namespace

void direct_strided_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads) {
  const int Cpad = round_up(g.C, MR);
  const Padded pd = padded_of(g.Ho, g.Wo, 1, 1, 1);
  float* wp = scratch(0, 2, (std::size_t)g.O * 9 * Cpad);
  std::vector<long> taps;
  taps.reserve((std::size_t)g.O * 9);
  StridedDataJob job{};
  long at = 0;
  std::size_t tapAt[4];
  for (int k = 0; k < 4; k++) {
    const PhaseTaps t = phase_taps(k / 2, k % 2);
    tapAt[k] = taps.size();
    float* phaseW = wp + at * Cpad;
    // phaseW[(o, tap)][c] = w[o][c][ki][kj]
    for (int o = 0; o < g.O; o++)
      for (int q = 0; q < t.n; q++) {
        float* row = phaseW + ((long)o * t.n + q) * Cpad;
        for (int c = 0; c < Cpad; c++) row[c] = c < g.C ? w[(((long)o * g.C + c) * 3 + t.ki[q]) * 3 + t.kj[q]] : 0.0f;
        taps.push_back(((long)o * pd.Hp + 1 + t.di[q]) * pd.L + 1 + t.dj[q]);
      }
    // Cin * kH * kW taps: kH x kW stands for the phase's t.n taps per dy channel.
    job.d[k] = Direct{g.O, t.n, 1, g.C, g.Ho, g.Wo, Cpad, pd, phaseW};
    at += (long)g.O * t.n;
  }
  for (int k = 0; k < 4; k++) job.taps[k] = taps.data() + tapAt[k];
  threads = std::max(1, std::min(threads, g.N));
  float* padded[kMaxThreads];
  float* phases[kMaxThreads];
  for (int t = 0; t < threads; t++) {
    // One float of slack past the plane for the last vector's load, as run_direct's.
    padded[t] = scratch(t, 0, (std::size_t)g.O * pd.Hp * pd.L + 16);
    phases[t] = scratch(t, 1, (std::size_t)4 * g.C * g.Ho * g.Wo);
  }
  job.dy = dy, job.dx = dx, job.O = g.O, job.Ho = g.Ho, job.Wo = g.Wo, job.C = g.C, job.H = g.H, job.W = g.W;
  job.padded = padded, job.phases = phases;
  parallel_for(g.N, threads, strided_data_image, &job);
}

namespace {

struct FilterJob {
  const ConvGeometry* g;
  const float *x, *dy;
  int per;          // images per chunk
  float* partials;  // [chunks][O][C * kH * 3]
  float* const* padded;
  float* const* rows;
  float* const* tail;
};

inline float lanes_sum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Sums over the pixels of one image for output channels o0..o0+3 (rows dy, dy + P, ...) and the
// taps (c, ki, 0..2) whose padded input rows start at x, `rowStep` apart for consecutive output
// rows, tap kj of output column ow at x + ow + tap[kj]: out[r][kj] (+)= sum of dy[r][p] * x[..].
// The image's dy rows (4 x P) stay in L1 across the loop over (c, ki) that calls this.
inline void filter_sums(const float* x, const float* dy, long P, int Ho, int Wo, long rowStep, const long* tap,
                        float* out, long K, bool add) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
  __m256 c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
  for (int oh = 0; oh < Ho; oh++) {
    const float* xrow = x + (long)oh * rowStep;
    const float* drow = dy + (long)oh * Wo;
    for (int ow = 0; ow < Wo; ow += 8) {
      const __m256 x0 = _mm256_loadu_ps(xrow + ow + tap[0]);
      const __m256 x1 = _mm256_loadu_ps(xrow + ow + tap[1]);
      const __m256 x2 = _mm256_loadu_ps(xrow + ow + tap[2]);
      __m256 d = _mm256_loadu_ps(drow + ow);
      c00 = _mm256_fmadd_ps(d, x0, c00);
      c01 = _mm256_fmadd_ps(d, x1, c01);
      c02 = _mm256_fmadd_ps(d, x2, c02);
      d = _mm256_loadu_ps(drow + P + ow);
      c10 = _mm256_fmadd_ps(d, x0, c10);
      c11 = _mm256_fmadd_ps(d, x1, c11);
      c12 = _mm256_fmadd_ps(d, x2, c12);
      d = _mm256_loadu_ps(drow + 2 * P + ow);
      c20 = _mm256_fmadd_ps(d, x0, c20);
      c21 = _mm256_fmadd_ps(d, x1, c21);
      c22 = _mm256_fmadd_ps(d, x2, c22);
      d = _mm256_loadu_ps(drow + 3 * P + ow);
      c30 = _mm256_fmadd_ps(d, x0, c30);
      c31 = _mm256_fmadd_ps(d, x1, c31);
      c32 = _mm256_fmadd_ps(d, x2, c32);
    }
  }
  const __m256 acc[MR][3] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32}};
  for (int r = 0; r < MR; r++)
    for (int t = 0; t < 3; t++) {
      const float v = lanes_sum(acc[r][t]);
      out[r * K + t] = add ? out[r * K + t] + v : v;
    }
}

// The partial sums of one chunk of images, image by image (in order), into partial [O][C * kH * 3].
void filter_chunk(void* context, int chunk, int thread) {
  auto& j = *static_cast<FilterJob*>(context);
  const ConvGeometry& g = *j.g;
  const int n0 = chunk * j.per, n1 = std::min(g.N, n0 + j.per);
  const Padded pd = padded_of(g.H, g.W, g.padH, g.padW, g.strideH);
  const long plane = (long)pd.Hp * pd.L, P = (long)g.Ho * g.Wo;
  long tap[3];
  for (int kj = 0; kj < 3; kj++) tap[kj] = (kj % pd.s) * pd.Wq + kj / pd.s;
  const long K = (long)g.C * g.kH * 3;
  const int Opad = (g.O + MR - 1) / MR * MR;
  float* xp = j.padded[thread];
  float* rows = j.rows[thread];  // [Opad][P]: dy of one image, zero rows past O
  float* partial = j.partials + (long)chunk * g.O * K;
  float* tail = j.tail[thread];  // [Opad][K] when 4 does not divide O
  float* out = Opad == g.O ? partial : tail;
  for (int n = n0; n < n1; n++) {
    pad_image(j.x + (long)n * g.C * g.H * g.W, g.C, g.H, g.W, g.padH, g.padW, pd, xp);
    const float* dy = j.dy + (long)n * g.O * P;
    if (Opad != g.O) {
      std::memcpy(rows, dy, sizeof(float) * g.O * P);
      std::memset(rows + g.O * P, 0, sizeof(float) * (Opad - g.O) * P);
      dy = rows;
    }
    for (int o0 = 0; o0 < Opad; o0 += MR)
      for (int c = 0; c < g.C; c++)
        for (int ki = 0; ki < g.kH; ki++)
          filter_sums(xp + c * plane + ki * pd.L, dy + o0 * P, P, g.Ho, g.Wo, pd.s * pd.L, tap,
                      out + o0 * K + (c * g.kH + ki) * 3, K, n > n0);
  }
  if (out != partial) std::memcpy(partial, tail, sizeof(float) * g.O * K);
}

}  // namespace

float* direct_filter_partials(const ConvGeometry& g, const float* x, const float* dy, int per, int chunks,
                              int threads) {
  const int K = g.C * g.kH * 3;
  float* partials = scratch(0, 2, (std::size_t)chunks * g.O * K);
  threads = std::max(1, std::min(threads, chunks));
  const Padded pd = padded_of(g.H, g.W, g.padH, g.padW, g.strideH);
  const std::size_t floats = (std::size_t)g.C * pd.Hp * pd.L + 16;
  const int Opad = (g.O + MR - 1) / MR * MR;
  float* padded[kMaxThreads];
  float* rows[kMaxThreads];
  float* tail[kMaxThreads];
  for (int t = 0; t < threads; t++) {
    padded[t] = scratch(t, 0, floats);
    rows[t] = scratch(t, 1, (std::size_t)Opad * g.Ho * g.Wo);
    tail[t] = scratch(t, 3, (std::size_t)Opad * K);
  }
  FilterJob job{&g, x, dy, per, partials, padded, rows, tail};
  parallel_for(chunks, threads, filter_chunk, &job);
  return partials;
}

}  // namespace FUNT_ISA
}  // namespace funt
