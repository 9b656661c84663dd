// Batch norm in AVX2. A channel is N rows of S contiguous floats, (n * C + c) * S apart, and one
// task of the thread pool: its sums run row by row in one order, so the bits do not depend on
// the thread count.
//
// Sums over a row are taken in blocks of kBlock floats in f32 vectors (two accumulators), each
// block's sum then added in double: a channel of a ResNet's first stage has 131,072 elements.
// The training forward reads x twice, not three times: each unit of rows (up to kUnit floats:
// 4 rows of a 32 x 32 plane, in L1) yields its sum, then its deviations from its own mean and
// their squares (a second read from L1), and the units are merged in double with Chan's
// update, M2 += M2_unit + delta^2 * count * n / (count + n). The variance is thus a sum of
// squared deviations (no E[x^2] - mean^2 cancellation), and the second pass over the channel is
// the normalisation itself.
//
// The second pass of each kernel (the normalisation, the backward pass's dx) runs over the rows
// in reverse: the rows the first pass read last are still in the core's L2 (1 MB here, where a
// first-stage channel of the backward pass touches 2 MB: x, dy, the ReLU output and dx), so it
// starts on data in cache instead of on the rows evicted first. Each element's arithmetic is
// the same in either order.
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "batchnorm.h"
#include "thread_pool.h"
#include "vec_avx2.h"

namespace funt {
namespace {

constexpr int kBlock = 256;

const float* row(const float* base, const ChannelPlanes& p, int n, int c) {
  return base + (static_cast<long>(n) * p.C + c) * p.S;
}
float* row(float* base, const ChannelPlanes& p, int n, int c) {
  return base + (static_cast<long>(n) * p.C + c) * p.S;
}

// Rows of one channel taken together: `count` rows of S floats, `stride` apart, merged into a
// channel's moments at once (a unit of rows, at most kUnit floats where the rows are shorter
// than that), so that the merge's fixed work (its divisions) is done per unit, not per row.
struct Rows {
  const float* first;
  long stride;
  int count, S;
  const float* at(int k) const { return first + k * stride; }
};

// The floats of a unit of rows: read twice (for the sum, then the deviations), it stays in L1.
constexpr int kUnit = 4096;

// Calls block(k0, k1, start, end) for each summing block of the rows: columns [start, end) of
// row k0 (k1 = k0 + 1) where a row holds a block or more, else as many whole rows [k0, k1) as
// fit in one block.
template <class Block>
void for_each_block(const Rows& rs, const Block& block) {
  if (rs.S >= kBlock) {
    for (int k = 0; k < rs.count; k++) {
      for (int start = 0; start < rs.S; start += kBlock) block(k, k + 1, start, std::min(rs.S, start + kBlock));
    }
    return;
  }
  const int per_block = kBlock / std::max(1, rs.S);
  for (int k = 0; k < rs.count; k += per_block) block(k, std::min(rs.count, k + per_block), 0, rs.S);
}

// Adds r[start, end) to two accumulators (the last end % 8 floats masked).
inline void accumulate(const float* r, int start, int end, __m256& a0, __m256& a1) {
  int i = start;
  for (; i + 16 <= end; i += 16) {
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(r + i));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(r + i + 8));
  }
  for (; i + 8 <= end; i += 8) a0 = _mm256_add_ps(a0, _mm256_loadu_ps(r + i));
  if (i < end) a1 = _mm256_add_ps(a1, vec::load_tail(r + i, vec::tail_mask(end - i)));
}

// Adds d = r[i] - m and d^2 over [start, end) to two accumulators each.
inline void accumulate_deviations(const float* r, int start, int end, __m256 m, __m256& a0, __m256& a1, __m256& q0,
                                  __m256& q1) {
  int i = start;
  for (; i + 16 <= end; i += 16) {
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(r + i), m);
    const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(r + i + 8), m);
    a0 = _mm256_add_ps(a0, d0);
    a1 = _mm256_add_ps(a1, d1);
    q0 = _mm256_fmadd_ps(d0, d0, q0);
    q1 = _mm256_fmadd_ps(d1, d1, q1);
  }
  for (; i + 8 <= end; i += 8) {
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(r + i), m);
    a0 = _mm256_add_ps(a0, d);
    q0 = _mm256_fmadd_ps(d, d, q0);
  }
  if (i < end) {
    const __m256i mask = vec::tail_mask(end - i);
    const __m256 d = _mm256_and_ps(_mm256_sub_ps(vec::load_tail(r + i, mask), m), _mm256_castsi256_ps(mask));
    a1 = _mm256_add_ps(a1, d);
    q1 = _mm256_fmadd_ps(d, d, q1);
  }
}

// Sum of the rows, block by block: each block's sum in f32 vectors, the blocks' in double.
double rows_sum(const Rows& rs) {
  double total = 0;
  for_each_block(rs, [&](int k0, int k1, int start, int end) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    for (int k = k0; k < k1; k++) accumulate(rs.at(k), start, end, a0, a1);
    total += vec::hsum(_mm256_add_ps(a0, a1));
  });
  return total;
}

// Sums of d = x - center and of d^2 over the rows, blocked as rows_sum. With center near the
// rows' mean the d are small, so their f32 sums are accurate where a plain sum of x (a mean of
// 1000 and a spread of 0.01) would round away the digits the variance is made of.
void rows_deviations(const Rows& rs, float center, double* sum, double* squares) {
  const __m256 m = _mm256_set1_ps(center);
  double total = 0, total_sq = 0;
  for_each_block(rs, [&](int k0, int k1, int start, int end) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, q0 = a0, q1 = a0;
    for (int k = k0; k < k1; k++) accumulate_deviations(rs.at(k), start, end, m, a0, a1, q0, q1);
    total += vec::hsum(_mm256_add_ps(a0, a1));
    total_sq += vec::hsum(_mm256_add_ps(q0, q1));
  });
  *sum = total;
  *squares = total_sq;
}

// Sum, mean and sum of squared deviations from the mean of one channel, unit by unit of rows.
struct Moments {
  double sum = 0;    // of x, plainly (where x holds an infinity the mean is this sum / count)
  double count = 0;  // elements merged so far
  double mean = 0;   // of those elements
  double m2 = 0;     // their sum of squared deviations from `mean`

  void add_rows(const Rows& rs) {
    const double s = rows_sum(rs);
    const double n = static_cast<double>(rs.count) * rs.S;
    // The rows' deviations from center, their mean rounded to f32, give their exact mean and
    // M2: m = center + sum d / n and sum (x - m)^2 = sum d^2 - (sum d)^2 / n.
    const float center = static_cast<float>(s / n);
    double d, q;
    rows_deviations(rs, center, &d, &q);
    const double m = center + d / n;
    const double m2_rows = q - d * d / n;
    sum += s;
    if (count == 0) {
      count = n;
      mean = m;
      m2 = m2_rows;
      return;
    }
    const double total = count + n;
    const double delta = m - mean;
    mean += delta * n / total;
    m2 += m2_rows + delta * delta * count * n / total;
    count = total;
  }
};

// y = relu?((x - center) * scale + shift [+ r]) over channel c; with Masked, x reads as 0 where
// mask <= 0 (the eval backward of batch norm + ReLU); with Added, the residual r (same layout
// as x) is added before the ReLU, the same rounding as a separate add. Centering before scaling
// keeps y exact for a nearly constant channel, where x * scale + (shift - center * scale) would
// cancel.
template <bool Relu, bool Masked, bool Added>
void affine_channel(const ChannelPlanes& p, int c, const float* x, const float* mask, const float* r, float* y,
                    float center, float scale, float shift) {
  const __m256 m = _mm256_set1_ps(center), a = _mm256_set1_ps(scale), b = _mm256_set1_ps(shift);
  auto value = [&](__m256 v, __m256 above, __m256 added) {
    if (Masked) v = vec::pass_positive(v, above);
    v = _mm256_fmadd_ps(_mm256_sub_ps(v, m), a, b);
    if (Added) v = _mm256_add_ps(v, added);
    return Relu ? vec::relu(v) : v;
  };
  const int S = p.S;
  const __m256i tail = vec::tail_mask(S % 8);
  for (int n = p.N - 1; n >= 0; n--) {
    const float* xr = row(x, p, n, c);
    const float* mr = Masked ? row(mask, p, n, c) : nullptr;
    const float* rr = Added ? row(r, p, n, c) : nullptr;
    float* yr = row(y, p, n, c);
    int i = 0;
    for (; i + 8 <= S; i += 8) {
      _mm256_storeu_ps(yr + i, value(_mm256_loadu_ps(xr + i), Masked ? _mm256_loadu_ps(mr + i) : a,
                                     Added ? _mm256_loadu_ps(rr + i) : a));
    }
    if (i < S) {
      vec::store_tail(yr + i, tail,
                      value(vec::load_tail(xr + i, tail), Masked ? vec::load_tail(mr + i, tail) : a,
                            Added ? vec::load_tail(rr + i, tail) : a));
    }
  }
}

void affine(bool relu, const ChannelPlanes& p, int c, const float* x, const float* mask, const float* r, float* y,
            float center, float scale, float shift) {
  if (mask) {
    affine_channel<false, true, false>(p, c, x, mask, nullptr, y, center, scale, shift);
  } else if (r && relu) {
    affine_channel<true, false, true>(p, c, x, nullptr, r, y, center, scale, shift);
  } else if (r) {
    affine_channel<false, false, true>(p, c, x, nullptr, r, y, center, scale, shift);
  } else if (relu) {
    affine_channel<true, false, false>(p, c, x, nullptr, nullptr, y, center, scale, shift);
  } else {
    affine_channel<false, false, false>(p, c, x, nullptr, nullptr, y, center, scale, shift);
  }
}

float param(const float* v, int c, float absent) { return v ? v[c] : absent; }

struct TrainJob {
  ChannelPlanes p;
  const float *x, *gamma, *beta;
  float *y, *save_mean, *save_inv_std, *running_mean, *running_var;
  float momentum, eps;
  bool relu;
  const float* residual;
};

void train_channel(void* context, int c, int) {
  const TrainJob& j = *static_cast<const TrainJob*>(context);
  Moments mo;
  const int group = std::max(1, kUnit / std::max(1, j.p.S));
  const long stride = static_cast<long>(j.p.C) * j.p.S;
  for (int n = 0; n < j.p.N; n += group) {
    mo.add_rows({row(j.x, j.p, n, c), stride, std::min(group, j.p.N - n), j.p.S});
  }
  const double count = mo.count;
  const float mean = static_cast<float>(std::isfinite(mo.mean) ? mo.mean : mo.sum / count);
  const double variance = (mo.m2 < 0 ? 0 : mo.m2) / count;  // a NaN stays NaN
  const float inv_std = static_cast<float>(1 / std::sqrt(variance + static_cast<double>(j.eps)));
  j.save_mean[c] = mean;
  j.save_inv_std[c] = inv_std;
  const float keep = 1 - j.momentum;
  if (j.running_mean) j.running_mean[c] = keep * j.running_mean[c] + j.momentum * mean;
  if (j.running_var) {
    const double unbiased = count > 1 ? variance * count / (count - 1) : variance;
    j.running_var[c] = keep * j.running_var[c] + j.momentum * static_cast<float>(unbiased);
  }
  affine(j.relu, j.p, c, j.x, nullptr, j.residual, j.y, mean, inv_std * param(j.gamma, c, 1), param(j.beta, c, 0));
}

struct ApplyJob {
  ChannelPlanes p;
  const float *x, *gamma, *beta, *mean, *inv_std;
  float* y;
  bool relu;
};

void apply_channel(void* context, int c, int) {
  const ApplyJob& j = *static_cast<const ApplyJob*>(context);
  affine(j.relu, j.p, c, j.x, nullptr, nullptr, j.y, j.mean[c], j.inv_std[c] * param(j.gamma, c, 1),
         param(j.beta, c, 0));
}

struct BackwardJob {
  ChannelPlanes p;
  const float *x, *dy, *gamma, *mean, *inv_std, *rectified;
  float *dx, *dgamma, *dbeta;
  bool training;
};

// Sum of g and of g * (x - m) over channel c, g = dy masked by `rectified` when Masked. With
// Stash, g is also stored into dx, which the training pass then reads instead of masking again.
template <bool Masked, bool Stash>
void gradient_sums(const BackwardJob& j, int c, float m, double* sum_g, double* sum_gx) {
  const __m256 mv = _mm256_set1_ps(m);
  const int S = j.p.S;
  double sg = 0, sgx = 0;
  for (int n = 0; n < j.p.N; n++) {
    const float* xr = row(j.x, j.p, n, c);
    const float* gr = row(j.dy, j.p, n, c);
    const float* yr = Masked ? row(j.rectified, j.p, n, c) : nullptr;
    float* sr = Stash ? row(j.dx, j.p, n, c) : nullptr;
    for (int start = 0; start < S; start += kBlock) {
      const int end = std::min(S, start + kBlock);
      __m256 g0 = _mm256_setzero_ps(), g1 = g0, gx0 = g0, gx1 = g0;
      auto step = [&](int i, __m256& ag, __m256& agx) {
        __m256 g = _mm256_loadu_ps(gr + i);
        if (Masked) g = vec::pass_positive(g, _mm256_loadu_ps(yr + i));
        if (Stash) _mm256_storeu_ps(sr + i, g);
        ag = _mm256_add_ps(ag, g);
        agx = _mm256_fmadd_ps(g, _mm256_sub_ps(_mm256_loadu_ps(xr + i), mv), agx);
      };
      int i = start;
      for (; i + 16 <= end; i += 16) {
        step(i, g0, gx0);
        step(i + 8, g1, gx1);
      }
      for (; i + 8 <= end; i += 8) step(i, g0, gx0);
      if (i < end) {
        const __m256i mask = vec::tail_mask(end - i);
        __m256 g = vec::load_tail(gr + i, mask);
        if (Masked) g = vec::pass_positive(g, vec::load_tail(yr + i, mask));
        if (Stash) vec::store_tail(sr + i, mask, g);
        const __m256 xc = _mm256_and_ps(_mm256_sub_ps(vec::load_tail(xr + i, mask), mv), _mm256_castsi256_ps(mask));
        g1 = _mm256_add_ps(g1, g);
        gx1 = _mm256_fmadd_ps(g, xc, gx1);
      }
      sg += vec::hsum(_mm256_add_ps(g0, g1));
      sgx += vec::hsum(_mm256_add_ps(gx0, gx1));
    }
  }
  *sum_g = sg;
  *sum_gx = sgx;
}

// dx = g * a + ((x - m) * b + d) over channel c, g read from `g` (dy, or dx holding the masked dy).
void training_dx(const BackwardJob& j, int c, const float* g, float m, float a, float b, float d) {
  const __m256 mv = _mm256_set1_ps(m), av = _mm256_set1_ps(a), bv = _mm256_set1_ps(b), dv = _mm256_set1_ps(d);
  auto value = [&](__m256 gv, __m256 xv) {
    return _mm256_fmadd_ps(gv, av, _mm256_fmadd_ps(_mm256_sub_ps(xv, mv), bv, dv));
  };
  const int S = j.p.S;
  const __m256i tail = vec::tail_mask(S % 8);
  for (int n = j.p.N - 1; n >= 0; n--) {
    const float* xr = row(j.x, j.p, n, c);
    const float* gr = row(g, j.p, n, c);
    float* dr = row(j.dx, j.p, n, c);
    int i = 0;
    for (; i + 8 <= S; i += 8) _mm256_storeu_ps(dr + i, value(_mm256_loadu_ps(gr + i), _mm256_loadu_ps(xr + i)));
    if (i < S) vec::store_tail(dr + i, tail, value(vec::load_tail(gr + i, tail), vec::load_tail(xr + i, tail)));
  }
}

void backward_channel(void* context, int c, int) {
  const BackwardJob& j = *static_cast<const BackwardJob*>(context);
  const double count = static_cast<double>(j.p.N) * j.p.S;
  const float m = j.mean[c];
  const float inv = j.inv_std[c];
  const bool stash = j.training && j.dx && j.rectified;
  double sum_g, sum_gx;
  if (!j.rectified) {
    gradient_sums<false, false>(j, c, m, &sum_g, &sum_gx);
  } else if (stash) {
    gradient_sums<true, true>(j, c, m, &sum_g, &sum_gx);
  } else {
    gradient_sums<true, false>(j, c, m, &sum_g, &sum_gx);
  }
  const double sum_gxhat = sum_gx * inv;
  if (j.dbeta) j.dbeta[c] += static_cast<float>(sum_g);
  if (j.dgamma) j.dgamma[c] += static_cast<float>(sum_gxhat);
  if (!j.dx) return;
  const float k = param(j.gamma, c, 1) * inv;
  if (!j.training) {
    affine(false, j.p, c, j.dy, j.rectified, nullptr, j.dx, 0, k, 0);
    return;
  }
  // dx = k * g + b * (x - mean) + d, b = -k * inv * sum(g * xhat) / M, d = -k * sum(g) / M.
  const float b = static_cast<float>(-static_cast<double>(k) * inv * sum_gxhat / count);
  const float d = static_cast<float>(-static_cast<double>(k) * sum_g / count);
  training_dx(j, c, stash ? j.dx : j.dy, m, k, b, d);
}

}  // namespace

void batch_norm_train(const ChannelPlanes& p, const float* x, const float* gamma, const float* beta, float* y,
                      float* save_mean, float* save_inv_std, float* running_mean, float* running_var, float momentum,
                      float eps, bool relu, const float* residual, int threads) {
  TrainJob job{p, x, gamma, beta, y, save_mean, save_inv_std, running_mean, running_var, momentum, eps, relu, residual};
  parallel_for(p.C, threads, train_channel, &job);
}

void batch_norm_apply(const ChannelPlanes& p, const float* x, const float* gamma, const float* beta, const float* mean,
                      const float* inv_std, float* y, bool relu, int threads) {
  ApplyJob job{p, x, gamma, beta, mean, inv_std, y, relu};
  parallel_for(p.C, threads, apply_channel, &job);
}

void batch_norm_backward(const ChannelPlanes& p, const float* x, const float* dy, const float* gamma,
                         const float* mean, const float* inv_std, float* dx, float* dgamma, float* dbeta,
                         bool training, const float* rectified, int threads) {
  BackwardJob job{p, x, dy, gamma, mean, inv_std, rectified, dx, dgamma, dbeta, training};
  parallel_for(p.C, threads, backward_channel, &job);
}

}  // namespace funt
