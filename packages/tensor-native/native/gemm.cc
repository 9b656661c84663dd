// The packed GEMM: blocks of B (KC x NC) and A (MC x KC) are copied into panels the micro-kernel
// reads sequentially (B in NR = 24 column slivers, A in MR = 4 row slivers), zero-padded at the
// edges. The 4 x 24 micro-kernel keeps its tile in 12 ymm accumulators: per k it loads three
// vectors of B, broadcasts four values of A and issues 12 FMAs. MR = 4 divides every channel
// count of a ResNet (16, 32, 64), which are the M of the convolutions' products. Both builds
// (isa.h) run this 256-bit kernel: only convolutions outside the Winograd and direct kernels'
// shapes (none of a CIFAR ResNet) reach it.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "gemm.h"

namespace funt {
namespace FUNT_ISA {
namespace {

constexpr int MR = 4;
constexpr int NR = 24;
constexpr int KC = 256;
constexpr int MC = 128;
constexpr int NC = 1536;

inline float* align64(float* p) {
  return reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(p) + 63) & ~std::uintptr_t(63));
}

// Packs rows [i0, i0 + mc) x columns [k0, k0 + kc) of A into MR-row slivers, k-major.
void pack_a(int mc, int kc, const MatrixView& A, int i0, int k0, float* out) {
  for (int i = 0; i < mc; i += MR) {
    int m = std::min(MR, mc - i);
    for (int k = 0; k < kc; k++) {
      const float* src = A.data + (long)(i0 + i) * A.rows + (long)(k0 + k) * A.cols;
      int r = 0;
      for (; r < m; r++) out[r] = src[r * A.rows];
      for (; r < MR; r++) out[r] = 0.0f;
      out += MR;
    }
  }
}

// Packs rows [k0, k0 + kc) x columns [j0, j0 + nc) of B into NR-column slivers, k-major.
void pack_b(int kc, int nc, const MatrixView& B, int k0, int j0, float* out) {
  for (int j = 0; j < nc; j += NR) {
    int n = std::min(NR, nc - j);
    const float* base = B.data + (long)k0 * B.rows + (long)(j0 + j) * B.cols;
    if (B.cols == 1 && n == NR) {
      for (int k = 0; k < kc; k++) {
        const float* src = base + (long)k * B.rows;
        _mm256_store_ps(out, _mm256_loadu_ps(src));
        _mm256_store_ps(out + 8, _mm256_loadu_ps(src + 8));
        _mm256_store_ps(out + 16, _mm256_loadu_ps(src + 16));
        out += NR;
      }
    } else {
      for (int k = 0; k < kc; k++) {
        const float* src = base + (long)k * B.rows;
        int c = 0;
        for (; c < n; c++) out[c] = src[c * B.cols];
        for (; c < NR; c++) out[c] = 0.0f;
        out += NR;
      }
    }
  }
}

// tile = a (MR x kc sliver) * b (kc x NR sliver); then C = alpha * tile + beta * C on the
// m x n corner that exists.
void micro_kernel(int kc, const float* a, const float* b, float alpha, float beta, float* C, long ldc, int m, int n) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c02 = c00;
  __m256 c10 = c00, c11 = c00, c12 = c00;
  __m256 c20 = c00, c21 = c00, c22 = c00;
  __m256 c30 = c00, c31 = c00, c32 = c00;
  for (int k = 0; k < kc; k++) {
    __m256 b0 = _mm256_load_ps(b);
    __m256 b1 = _mm256_load_ps(b + 8);
    __m256 b2 = _mm256_load_ps(b + 16);
    __m256 a0 = _mm256_broadcast_ss(a);
    c00 = _mm256_fmadd_ps(a0, b0, c00);
    c01 = _mm256_fmadd_ps(a0, b1, c01);
    c02 = _mm256_fmadd_ps(a0, b2, c02);
    __m256 a1 = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(a1, b0, c10);
    c11 = _mm256_fmadd_ps(a1, b1, c11);
    c12 = _mm256_fmadd_ps(a1, b2, c12);
    __m256 a2 = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(a2, b0, c20);
    c21 = _mm256_fmadd_ps(a2, b1, c21);
    c22 = _mm256_fmadd_ps(a2, b2, c22);
    __m256 a3 = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(a3, b0, c30);
    c31 = _mm256_fmadd_ps(a3, b1, c31);
    c32 = _mm256_fmadd_ps(a3, b2, c32);
    a += MR;
    b += NR;
  }
  alignas(32) float tile[MR * NR];
  __m256 acc[MR][3] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32}};
  __m256 va = _mm256_set1_ps(alpha);
  __m256 vb = _mm256_set1_ps(beta);
  if (m == MR && n == NR) {
    for (int r = 0; r < MR; r++) {
      float* row = C + r * ldc;
      for (int v = 0; v < 3; v++) {
        __m256 t = _mm256_mul_ps(acc[r][v], va);
        if (beta != 0.0f) t = _mm256_fmadd_ps(_mm256_loadu_ps(row + 8 * v), vb, t);
        _mm256_storeu_ps(row + 8 * v, t);
      }
    }
    return;
  }
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < 3; v++) _mm256_store_ps(tile + r * NR + 8 * v, _mm256_mul_ps(acc[r][v], va));
  for (int r = 0; r < m; r++) {
    float* row = C + r * ldc;
    const float* t = tile + r * NR;
    if (beta != 0.0f)
      for (int c = 0; c < n; c++) row[c] = std::fma(row[c], beta, t[c]);
    else
      for (int c = 0; c < n; c++) row[c] = t[c];
  }
}

}  // namespace

std::size_t gemm_scratch_floats() { return (std::size_t)MC * KC + (std::size_t)KC * (NC + NR) + 32; }

void sgemm(int M, int N, int K, float alpha, MatrixView A, MatrixView B, float beta, float* C, long ldc,
           float* scratch) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) C[i * ldc + j] = beta == 0.0f ? 0.0f : C[i * ldc + j] * beta;
    return;
  }
  float* packed_a = align64(scratch);
  float* packed_b = align64(packed_a + MC * KC);
  for (int j0 = 0; j0 < N; j0 += NC) {
    int nc = std::min(NC, N - j0);
    for (int k0 = 0; k0 < K; k0 += KC) {
      int kc = std::min(KC, K - k0);
      float b = k0 == 0 ? beta : 1.0f;
      pack_b(kc, nc, B, k0, j0, packed_b);
      for (int i0 = 0; i0 < M; i0 += MC) {
        int mc = std::min(MC, M - i0);
        pack_a(mc, kc, A, i0, k0, packed_a);
        for (int j = 0; j < nc; j += NR) {
          const float* pb = packed_b + (long)j * kc;
          for (int i = 0; i < mc; i += MR) {
            micro_kernel(kc, packed_a + (long)i * kc, pb, alpha, b, C + (long)(i0 + i) * ldc + j0 + j, ldc,
                         std::min(MR, mc - i), std::min(NR, nc - j));
          }
        }
      }
    }
  }
}

}  // namespace FUNT_ISA
}  // namespace funt
