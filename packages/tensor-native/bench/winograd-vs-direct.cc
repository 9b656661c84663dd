// The kernel measurement behind "Winograd" in README.md: the Winograd F(4x4, 3x3) kernels
// against the direct ones on ResNet-20's 3 x 3 stride-1 shapes, batch 128, in CPU seconds (the
// machine is shared), effective GFLOPS = 2 N O C 9 Ho Wo / s (the direct convolution's
// multiplies, so the figures compare times), median of 5. From packages/tensor-native:
//   g++ -O3 -mavx2 -mfma -DFUNT_ISA=avx2 -std=c++17 -Inative -o /tmp/winograd-vs-direct bench/winograd-vs-direct.cc
//       native/winograd.cc native/conv_direct.cc native/scratch.cc native/thread_pool.cc -lpthread
//   (the AVX-512 build: -mavx512f -mavx512vl -mavx512bw -mavx512dq -DFUNT_ISA=avx512)
//   /tmp/winograd-vs-direct [threads]
// It also prints the largest difference between the two, relative to the largest output.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "conv_direct.h"
#include "winograd.h"

static double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

template <typename F>
static double median_seconds(F f) {
  f();
  std::vector<double> t;
  for (int i = 0; i < 5; i++) {
    const double t0 = cpu_seconds();
    f();
    t.push_back(cpu_seconds() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[2];
}

static double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0, m = 0;
  for (size_t i = 0; i < a.size(); i++) {
    d = std::max(d, (double)std::fabs(a[i] - b[i]));
    m = std::max(m, (double)std::fabs(b[i]));
  }
  return d / m;
}

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const int shapes[][3] = {{16, 32, 16}, {32, 16, 32}, {64, 8, 64}};  // C, H = W, O
  for (const auto& s : shapes) {
    const int N = 128, C = s[0], H = s[1], O = s[2];
    std::vector<float> x((size_t)N * C * H * H), w((size_t)O * C * 9), b(O), y1((size_t)N * O * H * H), y2(y1.size());
    std::vector<float> dx1(x.size()), dx2(x.size());
    std::mt19937 r(1);
    std::uniform_real_distribution<float> u(-1, 1);
    for (auto& v : x) v = u(r);
    for (auto& v : w) v = u(r);
    for (auto& v : b) v = u(r);
    const funt::ConvGeometry g{N, C, H, H, O, 3, 3, 1, 1, 1, 1, H, H};
    const double gf = 2.0 * N * O * C * 9 * H * H / 1e9;
    const double wf = median_seconds([&] { funt::FUNT_ISA::winograd_forward(g, x.data(), w.data(), b.data(), nullptr, true, y1.data(), threads); });
    const double df = median_seconds([&] { funt::FUNT_ISA::direct_forward(g, x.data(), w.data(), b.data(), nullptr, true, y2.data(), threads); });
    const double ef = relative_difference(y1, y2);
    const double wd = median_seconds([&] { funt::FUNT_ISA::winograd_backward_data(g, y1.data(), w.data(), dx1.data(), threads); });
    const double dd = median_seconds([&] { funt::FUNT_ISA::direct_backward_data(g, y1.data(), w.data(), dx2.data(), threads); });
    const double ed = relative_difference(dx1, dx2);
    // The filter gradients, the direct one as its partial sums over 16 chunks of 8 images added.
    std::vector<float> dw1(w.size()), dw2(w.size());
    const double ww = median_seconds([&] {
      const float* s = funt::FUNT_ISA::winograd_filter_gradient(g, x.data(), y1.data(), threads);
      std::copy(s, s + dw1.size(), dw1.begin());
    });
    const double dw = median_seconds([&] {
      const float* s = funt::FUNT_ISA::direct_filter_partials(g, x.data(), y1.data(), 8, 16, threads);
      for (size_t i = 0; i < dw2.size(); i++) {
        float t = 0;
        for (int k = 0; k < 16; k++) t += s[k * dw2.size() + i];
        dw2[i] = t;
      }
    });
    const double ew = relative_difference(dw1, dw2);
    std::printf(
        "C %2d, %2d x %2d, O %2d, %d thread(s), GFLOPS: forward Winograd %5.1f, direct %4.1f (%.2fx, diff %.0e); "
        "backward data %5.1f, %4.1f (%.2fx, %.0e); filter gradient %5.1f, %4.1f (%.2fx, %.0e)\n",
        C, H, H, O, threads, gf / wf, gf / df, df / wf, ef, gf / wd, gf / dd, dd / wd, ed, gf / ww, gf / dw, dw / ww, ew);
  }
}
