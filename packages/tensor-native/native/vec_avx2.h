// Small AVX2 helpers of the batch norm and elementwise kernels (compiled with -mavx2 -mfma).
// A row's last n % 8 floats are read and written with masked loads and stores, so a tail runs
// the same vector arithmetic as the body and nothing outside the row is touched.
#pragma once
#include <immintrin.h>

namespace funt {
namespace vec {

// Lanes [0, n) set, for 0 <= n <= 8.
inline __m256i tail_mask(int n) {
  alignas(32) static const int kTable[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kTable + 8 - n));
}

// The first n floats at p (0 in the other lanes).
inline __m256 load_tail(const float* p, __m256i mask) { return _mm256_maskload_ps(p, mask); }
inline void store_tail(float* p, __m256i mask, __m256 v) { _mm256_maskstore_ps(p, mask, v); }

// Sum of the 8 lanes (a fixed order of adds).
inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// v > 0 ? v : 0 per lane: NaN and -0 become +0, exactly the threshold(v, 0, 0) of the other kernels.
inline __m256 relu(__m256 v) { return _mm256_and_ps(v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ)); }

// g where above > 0, else 0 (the gradient through a ReLU whose output was `above`).
inline __m256 pass_positive(__m256 g, __m256 above) {
  return _mm256_and_ps(g, _mm256_cmp_ps(above, _mm256_setzero_ps(), _CMP_GT_OQ));
}

}  // namespace vec
}  // namespace funt
