// Elementwise kernels in AVX2. Every kernel is a `step` over 8 floats at index i, run over the
// array in chunks of kChunk floats (the tasks of the thread pool); the last n % 8 floats of
// the array take the same step with masked loads and stores.
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "elementwise.h"
#include "thread_pool.h"
#include "vec_avx2.h"

namespace funt {
namespace {

// 64 KB of each operand per task: large enough that a task outweighs handing it out, small
// enough that a ResNet activation (2 MB and up) splits evenly over the threads.
constexpr long kChunk = 16384;

template <bool Tail>
__m256 load(const float* p, __m256i mask) {
  if (Tail) return vec::load_tail(p, mask);
  return _mm256_loadu_ps(p);
}

template <bool Tail>
void store(float* p, __m256i mask, __m256 v) {
  if (Tail) {
    vec::store_tail(p, mask, v);
  } else {
    _mm256_storeu_ps(p, v);
  }
}

template <class Kernel>
void run_range(const Kernel& k, long begin, long end) {
  const __m256i all = _mm256_set1_epi32(-1);
  long i = begin;
  for (; i + 8 <= end; i += 8) k.template step<false>(i, all);
  if (i < end) k.template step<true>(i, vec::tail_mask(static_cast<int>(end - i)));
}

template <class Kernel>
void run(const Kernel& k, long n, int threads) {
  struct Job {
    const Kernel* kernel;
    long n;
  } job{&k, n};
  const int tasks = static_cast<int>((n + kChunk - 1) / kChunk);
  parallel_for(tasks, threads,
               [](void* context, int task, int) {
                 const Job& j = *static_cast<const Job*>(context);
                 // A local copy: its pointers stay in registers, where the compiler would reload
                 // them from *j.kernel after every store (the output might alias it).
                 const Kernel kernel = *j.kernel;
                 const long begin = task * kChunk;
                 run_range(kernel, begin, std::min(j.n, begin + kChunk));
               },
               &job);
}

template <BinaryOp Op>
__m256 apply(__m256 a, __m256 b) {
  if constexpr (Op == BinaryOp::Add) return _mm256_add_ps(a, b);
  if constexpr (Op == BinaryOp::Sub) return _mm256_sub_ps(a, b);
  if constexpr (Op == BinaryOp::Mul) return _mm256_mul_ps(a, b);
  if constexpr (Op == BinaryOp::Div) return _mm256_div_ps(a, b);
}

template <bool Relu>
__m256 rectify(__m256 v) {
  return Relu ? vec::relu(v) : v;
}

template <BinaryOp Op, bool Relu>
struct Same {
  const float *a, *b;
  float* out;
  template <bool Tail>
  void step(long i, __m256i mask) const {
    store<Tail>(out + i, mask, rectify<Relu>(apply<Op>(load<Tail>(a + i, mask), load<Tail>(b + i, mask))));
  }
};

template <BinaryOp Op, bool Relu, bool Left>
struct WithScalar {
  const float* full;
  __m256 s;
  float* out;
  template <bool Tail>
  void step(long i, __m256i mask) const {
    const __m256 v = load<Tail>(full + i, mask);
    store<Tail>(out + i, mask, rectify<Relu>(Left ? apply<Op>(s, v) : apply<Op>(v, s)));
  }
};

struct ThresholdBackward {
  const float *x, *dy;
  __m256 t;
  float* dx;
  template <bool Tail>
  void step(long i, __m256i mask) const {
    const __m256 above = _mm256_cmp_ps(load<Tail>(x + i, mask), t, _CMP_GT_OQ);
    store<Tail>(dx + i, mask, _mm256_and_ps(load<Tail>(dy + i, mask), above));
  }
};

struct Scale {
  const float* x;
  __m256 alpha;
  float* out;
  template <bool Tail>
  void step(long i, __m256i mask) const {
    store<Tail>(out + i, mask, _mm256_mul_ps(alpha, load<Tail>(x + i, mask)));
  }
};

struct Axpby {
  const float* x;
  __m256 alpha, beta;
  float* out;
  template <bool Tail>
  void step(long i, __m256i mask) const {
    const __m256 kept = _mm256_mul_ps(beta, load<Tail>(out + i, mask));
    store<Tail>(out + i, mask, _mm256_add_ps(kept, _mm256_mul_ps(alpha, load<Tail>(x + i, mask))));
  }
};

template <BinaryOp Op>
void binary_op(const float* a, const float* b, float* out, long n, bool relu, int threads) {
  if (relu) {
    run(Same<Op, true>{a, b, out}, n, threads);
  } else {
    run(Same<Op, false>{a, b, out}, n, threads);
  }
}

template <BinaryOp Op>
void scalar_op(const float* full, float scalar, bool left, float* out, long n, bool relu, int threads) {
  const __m256 s = _mm256_set1_ps(scalar);
  if (relu) {
    if (left) run(WithScalar<Op, true, true>{full, s, out}, n, threads);
    else run(WithScalar<Op, true, false>{full, s, out}, n, threads);
  } else {
    if (left) run(WithScalar<Op, false, true>{full, s, out}, n, threads);
    else run(WithScalar<Op, false, false>{full, s, out}, n, threads);
  }
}

// The float32 t with x > t exactly when x > th for every float32 x: th rounded to float32, or
// the float32 below it when rounding went up (the rule of the wasm backend's threshold kernels).
float float32_threshold(double th) {
  const float t = static_cast<float>(th);
  return t > th ? std::nextafter(t, -INFINITY) : t;
}

}  // namespace

void binary(BinaryOp op, const float* a, const float* b, float* out, long n, bool relu, int threads) {
  switch (op) {
    case BinaryOp::Add: binary_op<BinaryOp::Add>(a, b, out, n, relu, threads); break;
    case BinaryOp::Sub: binary_op<BinaryOp::Sub>(a, b, out, n, relu, threads); break;
    case BinaryOp::Mul: binary_op<BinaryOp::Mul>(a, b, out, n, relu, threads); break;
    case BinaryOp::Div: binary_op<BinaryOp::Div>(a, b, out, n, relu, threads); break;
  }
}

void binary_scalar(BinaryOp op, const float* full, float scalar, bool scalar_left, float* out, long n, bool relu,
                   int threads) {
  switch (op) {
    case BinaryOp::Add: scalar_op<BinaryOp::Add>(full, scalar, scalar_left, out, n, relu, threads); break;
    case BinaryOp::Sub: scalar_op<BinaryOp::Sub>(full, scalar, scalar_left, out, n, relu, threads); break;
    case BinaryOp::Mul: scalar_op<BinaryOp::Mul>(full, scalar, scalar_left, out, n, relu, threads); break;
    case BinaryOp::Div: scalar_op<BinaryOp::Div>(full, scalar, scalar_left, out, n, relu, threads); break;
  }
}

void threshold_backward(const float* x, const float* dy, double threshold, float* dx, long n, int threads) {
  run(ThresholdBackward{x, dy, _mm256_set1_ps(float32_threshold(threshold)), dx}, n, threads);
}

void axpby(float alpha, const float* x, float beta, float* out, long n, int threads) {
  if (beta == 0) {
    run(Scale{x, _mm256_set1_ps(alpha), out}, n, threads);
  } else {
    run(Axpby{x, _mm256_set1_ps(alpha), _mm256_set1_ps(beta), out}, n, threads);
  }
}

}  // namespace funt
