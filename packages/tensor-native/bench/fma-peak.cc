// The FMA peak of one core, the ceiling the kernels' GFLOPS compare with: 12 independent chains
// of fused multiply-adds (enough to cover the FMA latency on two pipes), 512-bit and 256-bit.
// From packages/tensor-native:
//   g++ -O3 -mavx512f -mfma -o /tmp/fma-peak bench/fma-peak.cc && /tmp/fma-peak
#include <immintrin.h>

#include <chrono>
#include <cstdio>

template <typename V, typename F>
static double gflops(F fma, V init, V b, V c, int lanes) {
  V a0 = init, a1 = init, a2 = init, a3 = init, a4 = init, a5 = init;
  V a6 = init, a7 = init, a8 = init, a9 = init, a10 = init, a11 = init;
  const long n = 100000000;
  const auto t0 = std::chrono::steady_clock::now();
  for (long k = 0; k < n; k++) {
    a0 = fma(a0, b, c), a1 = fma(a1, b, c), a2 = fma(a2, b, c), a3 = fma(a3, b, c);
    a4 = fma(a4, b, c), a5 = fma(a5, b, c), a6 = fma(a6, b, c), a7 = fma(a7, b, c);
    a8 = fma(a8, b, c), a9 = fma(a9, b, c), a10 = fma(a10, b, c), a11 = fma(a11, b, c);
    // Keeps the 12 chains in registers and the loop from being folded away.
    __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5));
    __asm__ volatile("" : "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11));
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return n * 12.0 * lanes * 2 / s / 1e9;
}

int main() {
  const double z = gflops<__m512>([](__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps(a, b, c); },
                                  _mm512_set1_ps(0.1f), _mm512_set1_ps(0.999f), _mm512_set1_ps(1e-4f), 16);
  const double y = gflops<__m256>([](__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps(a, b, c); },
                                  _mm256_set1_ps(0.1f), _mm256_set1_ps(0.999f), _mm256_set1_ps(1e-4f), 8);
  std::printf("one core, single precision: %.1f GFLOPS with 512-bit FMAs, %.1f with 256-bit\n", z, y);
}
