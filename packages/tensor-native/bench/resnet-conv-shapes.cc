// Time of every convolution shape of a CIFAR ResNet-20 step (batch 128) through the addon's
// entry points: CPU time with 1 thread (what other processes on a shared machine disturb
// least), wall time with 2 (their ratio: how a pass scales, on a quiet machine only).
// Effective GFLOPS (of the 1-thread time) = 2 N O C 9 Ho Wo / s (the direct convolution's
// multiplies), median of 7 calls.
// From packages/tensor-native:
//   g++ -O3 -mavx2 -mfma -DFUNT_ISA=avx2 -std=c++17 -Inative -o /tmp/resnet-conv-shapes bench/resnet-conv-shapes.cc
//       native/conv.cc native/conv_direct.cc native/gemm.cc native/winograd.cc
//       native/scratch.cc native/thread_pool.cc -lpthread
//   (the AVX-512 build: -mavx512f -mavx512vl -mavx512bw -mavx512dq -DFUNT_ISA=avx512)
//   flock /work/wt/bench.lock /tmp/resnet-conv-shapes
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "conv.h"

static double seconds(clockid_t clock) {
  timespec t;
  clock_gettime(clock, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// CPU time with one thread, wall time with more.
template <typename F>
static double median_seconds(int threads, F f) {
  const clockid_t clock = threads == 1 ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
  f();
  std::vector<double> t;
  for (int i = 0; i < 7; i++) {
    const double t0 = seconds(clock);
    f();
    t.push_back(seconds(clock) - t0);
  }
  std::sort(t.begin(), t.end());
  return t[3];
}

int main() {
  struct Shape {
    const char* name;
    int C, H, O, stride, count;  // count: how many of a ResNet-20 step
  };
  const Shape shapes[] = {{"3->16 32x32", 3, 32, 16, 1, 1},    {"16 32x32", 16, 32, 16, 1, 6},
                          {"16->32 s2", 16, 32, 32, 2, 1},     {"32 16x16", 32, 16, 32, 1, 5},
                          {"32->64 s2", 32, 16, 64, 2, 1},     {"64 8x8", 64, 8, 64, 1, 5}};
  double total[3][2] = {};
  std::printf("%-12s %5s | %21s | %21s | %21s\n", "shape", "", "forward ms 1t cpu/2t", "backward data", "filter gradient");
  for (const Shape& s : shapes) {
    const int N = 128, Ho = s.H / s.stride;
    funt::ConvGeometry g{N, s.C, s.H, s.H, s.O, 3, 3, s.stride, s.stride, 1, 1, Ho, Ho};
    std::vector<float> x((size_t)N * s.C * s.H * s.H), w((size_t)s.O * s.C * 9), b(s.O), y((size_t)N * s.O * Ho * Ho);
    std::vector<float> dy(y.size()), dx(x.size()), dw(w.size()), db(b.size());
    std::mt19937 r(1);
    std::uniform_real_distribution<float> u(-1, 1);
    for (auto* v : {&x, &w, &b, &dy})
      for (auto& e : *v) e = u(r);
    const double flop = 2.0 * N * s.O * s.C * 9 * Ho * Ho;
    double ms[3][2];
    for (int t = 1; t <= 2; t++) {
      ms[0][t - 1] = 1e3 * median_seconds(t, [&] { funt::FUNT_ISA::passes.forward(g, x.data(), w.data(), b.data(), nullptr, true, y.data(), t); });
      ms[1][t - 1] = 1e3 * median_seconds(t, [&] { funt::FUNT_ISA::passes.backward_data(g, dy.data(), w.data(), dx.data(), t); });
      ms[2][t - 1] = 1e3 * median_seconds(
          t, [&] { funt::FUNT_ISA::passes.backward_filter(g, x.data(), dy.data(), dw.data(), db.data(), false, t); });
    }
    std::printf("%-12s x%-4d", s.name, s.count);
    for (int k = 0; k < 3; k++) {
      std::printf(" | %5.2f %5.2f %4.2fx %3.0fG", ms[k][0], ms[k][1], ms[k][0] / ms[k][1], flop / ms[k][0] * 1e-6);
      for (int t = 0; t < 2; t++) total[k][t] += s.count * ms[k][t];
    }
    std::printf("\n");
  }
  std::printf("%-12s %5s", "step total", "");
  for (int k = 0; k < 3; k++) std::printf(" | %6.1f %6.1f %4.2fx      ", total[k][0], total[k][1], total[k][0] / total[k][1]);
  std::printf("\n");
}
