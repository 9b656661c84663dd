// Winograd convolution F(4x4, 3x3) (Lavin & Gray 2016) with AVX2 + FMA, for 3 x 3 stride-1
// convolutions: the forward pass and, as the transposed convolution, the backward-data pass.
//
// Each 4 x 4 tile of the output comes from a 6 x 6 tile of the input as
//     Y = A^T [ sum_c (G g_oc G^T) . (B^T d_c B) ] A,
// i.e. 36 independent matrix products M_xi[o, tile] = sum_c U_xi[o, c] V_xi[c, tile]: 2.25
// multiplies per output and input channel instead of 9.
//
// Vectors hold 8 tiles, one per lane (an "octet"), so every transform is lane-wise arithmetic.
// The tiles of an octet come in "pieces" of P horizontally adjacent tiles (P = 8, 4, 2 or 1,
// whichever wastes the fewest lanes for the image's width in tiles: a 32-wide output is one
// piece of 8 per tile row, a 16-wide one two pieces of 4 from two tile rows, an 8-wide one four
// pieces of 2 from two images), so octets cross tile rows and images and never leave lanes
// empty on CIFAR's shapes. To make a piece's inputs adjacent, each image is copied once into a
// zero-padded buffer split into 4 column phases, xw[c][phase][row][i] = x[c][row - pH][4i +
// phase - pW]: input column 4t + j of tile t is element t + j / 4 of phase j % 4, so column j of
// a piece is one load (P = 8), two (P = 4), four (P = 2) or eight (P = 1).
//
// A task is a block of whole images (fixed by the geometry, so results do not depend on the
// thread count): their octets are transformed into V (the packed-B layout of the micro-kernel:
// panels of 24 tiles), the 36 products run with a 4 x 24 FMA micro-kernel on U (the transformed
// weights, packed in 4-row slivers, computed once per call), and the output transform of each
// channel and octet writes y directly (+ bias, + residual, ReLU), lanes put back into pixel
// order with in-register transposes.
//
// Accuracy: the transforms add a few roundings (coefficients up to 8); normwise errors stay
// near 1e-6. A non-finite input value spreads NaN over its whole output tile (Inf - Inf), where
// a direct convolution gives +-Infinity in the window's outputs only; the same holds for NaN
// or infinite weights.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "scratch.h"
#include "thread_pool.h"
#include "winograd.h"

namespace funt {
namespace {

constexpr int MT = 4;     // output tile
constexpr int AT = 6;     // input tile: MT + 2
constexpr int XI = 36;    // AT * AT products
constexpr int MR = 4;     // output channels per micro-tile
constexpr int NR = 24;    // tiles per panel: three octets
constexpr int LANES = 8;  // tiles per vector
// Floats of V and M (the transformed inputs and the products) a block aims at: L2-sized.
constexpr long BLOCK_FLOATS = (256 << 10) / 4;

inline int round_up(int v, int m) { return (v + m - 1) / m * m; }

// The transform geometry: input [Cin, H, W] padded by (pH, pW) -> output [Cout, Ho, Wo].
struct Plan {
  int N, Cin, Cout, H, W, pH, pW, Ho, Wo;
  int th, tw;        // tiles high and wide
  int P, pw;         // tiles per piece, pieces per tile row
  int rows, Wq;      // rows and elements per row (whole vectors) of one phase of xw
  long phase, chan;  // floats of one phase, of one channel (of one image)
  int per;           // images per block (task)
  int octets;        // octets of a full block
  int panels;        // panels of 24 tiles of a full block
  long T;            // tiles of M's rows: panels * NR
  long vplane, mplane;
  int OB;  // output-channel slivers: ceil(Cout / MR)
};

Plan plan_of(int N, int Cin, int Cout, int H, int W, int pH, int pW, int Ho, int Wo) {
  Plan p{};
  p.N = N, p.Cin = Cin, p.Cout = Cout, p.H = H, p.W = W, p.pH = pH, p.pW = pW, p.Ho = Ho, p.Wo = Wo;
  p.th = (Ho + MT - 1) / MT;
  p.tw = (Wo + MT - 1) / MT;
  // The piece width that computes the fewest tiles (ties: the wider, whose loads are cheaper).
  int best = 0;
  for (int P : {8, 4, 2, 1}) {
    const int lanes = round_up(p.tw, P);
    if (best == 0 || lanes < best) {
      best = lanes;
      p.P = P;
    }
  }
  p.pw = (p.tw + p.P - 1) / p.P;
  p.rows = p.th * MT + 2;
  // A tile row reads elements [0, pw P]: one more than the tiles.
  p.Wq = round_up(p.pw * p.P + 1, LANES);
  p.phase = (long)p.rows * p.Wq;
  p.chan = 4 * p.phase;
  p.OB = (Cout + MR - 1) / MR;
  const long tileFloats = (long)XI * (Cin + p.OB * MR);
  const int imageTiles = p.th * p.pw * p.P;
  // Images per block: within the budget, rounded up to whole octets (lanes of an octet past
  // the block's last image would be wasted), and to whole panels of 24 tiles when that at most
  // doubles the block (the micro-kernel's narrower forms are slower).
  int per = (int)std::max<long>(1, BLOCK_FLOATS / (tileFloats * imageTiles));
  while (per * imageTiles % LANES != 0) per++;
  int whole = per;
  while (whole * imageTiles % NR != 0) whole++;
  if (whole <= 2 * per) per = whole;
  p.per = std::min(N, per);
  p.octets = (p.per * imageTiles + LANES - 1) / LANES;
  p.panels = (p.octets * LANES + NR - 1) / NR;
  p.T = (long)p.panels * NR;
  // One cache line more than the plane: the 36 planes a transform touches at one offset do not
  // all fall into the same L1 set.
  p.vplane = (long)p.panels * Cin * NR + 16;
  p.mplane = (long)p.OB * MR * p.T + 16;
  return p;
}

// ------------------------------------------------------------------------------------------
// Weights: U_xi = (G g G^T)_xi, packed as [xi][Cout / MR][Cin][MR] (rows past Cout zero).

// G (6 x 3) of F(4x4, 3x3), in double.
constexpr double G[AT][3] = {{0.25, 0, 0},
                             {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                             {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                             {1.0 / 24, 1.0 / 12, 1.0 / 6},
                             {1.0 / 24, -1.0 / 12, 1.0 / 6},
                             {0, 0, 1}};

struct WeightJob {
  const Plan* p;
  const float* w;
  bool transposed;  // the backward-data pass: the filter of the transposed convolution
  float* U;
};

// Output channel `co` of U: its filters with every input channel, transformed into u[ci][xi],
// then written plane by plane (the 36 planes are far apart: writing all 36 values of one filter
// at once would evict each other's cache lines).
void weight_row(void* context, int co, int) {
  auto& j = *static_cast<WeightJob*>(context);
  const Plan& p = *j.p;
  const long xiStride = (long)p.OB * p.Cin * MR;
  float* slot = j.U + (long)(co / MR) * p.Cin * MR + co % MR;
  if (co >= p.Cout) {
    for (int xi = 0; xi < XI; xi++)
      for (int ci = 0; ci < p.Cin; ci++) slot[xi * xiStride + ci * MR] = 0.0f;
    return;
  }
  std::vector<float> u((std::size_t)p.Cin * XI);
  for (int ci = 0; ci < p.Cin; ci++) {
    // Forward: w[co][ci]. Transposed: w[ci][co] flipped in both directions.
    double k[3][3];
    const float* f = j.transposed ? j.w + ((long)ci * p.Cout + co) * 9 : j.w + ((long)co * p.Cin + ci) * 9;
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) k[a][b] = j.transposed ? f[(2 - a) * 3 + (2 - b)] : f[a * 3 + b];
    double r[3][AT];  // r[a][jx] = (k[a] G^T)[jx]
    for (int a = 0; a < 3; a++)
      for (int jx = 0; jx < AT; jx++) r[a][jx] = G[jx][0] * k[a][0] + G[jx][1] * k[a][1] + G[jx][2] * k[a][2];
    for (int i = 0; i < AT; i++)
      for (int jx = 0; jx < AT; jx++)
        u[ci * XI + i * AT + jx] = (float)(G[i][0] * r[0][jx] + G[i][1] * r[1][jx] + G[i][2] * r[2][jx]);
  }
  for (int xi = 0; xi < XI; xi++)
    for (int ci = 0; ci < p.Cin; ci++) slot[xi * xiStride + ci * MR] = u[ci * XI + xi];
}

// ------------------------------------------------------------------------------------------
// The input: phase split and transform.

// Where a part of split_channel's chunk (8 floats from image column `start`) comes from: no
// column of the image (zeros), all 8 (a load), or some (a load of 8 columns inside the row,
// moved into place and the lanes outside the image zeroed).
struct LinePart {
  int kind;   // 0: zeros, 1: a load, 2: a load moved into place, 3: element by element
  int start;  // the columns loaded
  __m256i index;  // kind 2: the lane of the loaded vector that lane l takes
  __m256 keep;    // kind 2: all ones where lane l is inside the image
};

inline __m256 part_of(const float* row, const LinePart& lp, int W) {
  switch (lp.kind) {
    case 1:
      return _mm256_loadu_ps(row + lp.start);
    case 2:
      return _mm256_and_ps(_mm256_permutevar8x32_ps(_mm256_loadu_ps(row + lp.start), lp.index), lp.keep);
    case 3: {
      alignas(32) float v[LANES];
      alignas(32) int at[LANES];
      _mm256_store_si256(reinterpret_cast<__m256i*>(at), lp.index);
      for (int l = 0; l < LANES; l++) v[l] = at[l] >= 0 && at[l] < W ? row[at[l]] : 0.0f;
      return _mm256_load_ps(v);
    }
    default:
      return _mm256_setzero_ps();
  }
}

// xw of one channel of one image from its plane [H, W]: rows of the zero-padded plane, 32
// columns at a time (4 loads) transposed into 8 elements of each of the 4 phases.
void split_channel(const Plan& p, const float* src, float* dst, const LinePart* parts) {
  const int chunks = p.Wq / LANES;
  const __m256 zero = _mm256_setzero_ps();
  for (int row = 0; row < p.rows; row++) {
    const int h = row - p.pH;
    const bool inside = h >= 0 && h < p.H;
    const float* line = src + (long)h * p.W;
    for (int k = 0; k < chunks; k++) {
      __m256 a[4];
      for (int i = 0; i < 4; i++) a[i] = inside ? part_of(line, parts[4 * k + i], p.W) : zero;
      // b_r = [group r | group r + 4] (groups of 4 consecutive floats)
      const __m256 b0 = _mm256_permute2f128_ps(a[0], a[2], 0x20), b1 = _mm256_permute2f128_ps(a[0], a[2], 0x31);
      const __m256 b2 = _mm256_permute2f128_ps(a[1], a[3], 0x20), b3 = _mm256_permute2f128_ps(a[1], a[3], 0x31);
      const __m256 t0 = _mm256_unpacklo_ps(b0, b1), t1 = _mm256_unpacklo_ps(b2, b3);
      const __m256 t2 = _mm256_unpackhi_ps(b0, b1), t3 = _mm256_unpackhi_ps(b2, b3);
      float* d = dst + (long)row * p.Wq + k * LANES;
      _mm256_store_ps(d, _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(1, 0, 1, 0)));
      _mm256_store_ps(d + p.phase, _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 2, 3, 2)));
      _mm256_store_ps(d + 2 * p.phase, _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(1, 0, 1, 0)));
      _mm256_store_ps(d + 3 * p.phase, _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(3, 2, 3, 2)));
    }
  }
}

// The parts of split_channel's chunks for this width and padding.
void line_parts(const Plan& p, LinePart* parts) {
  const int n = p.Wq / LANES * 4;
  for (int i = 0; i < n; i++) {
    const int start = i * LANES - p.pW;
    int in = 0;
    for (int l = 0; l < LANES; l++) in += start + l >= 0 && start + l < p.W;
    // Kind 2 loads the 8 columns nearest to the part; kind 3 (rows narrower than 8) reads
    // columns start + l.
    const int at = p.W >= LANES ? std::min(std::max(start, 0), p.W - LANES) : start;
    alignas(32) int index[LANES];
    alignas(32) int keep[LANES];
    for (int l = 0; l < LANES; l++) {
      const bool inside = start + l >= 0 && start + l < p.W;
      index[l] = p.W >= LANES ? (inside ? start + l - at : 0) : start + l;
      keep[l] = inside ? -1 : 0;
    }
    LinePart& lp = parts[i];
    lp.kind = in == 0 ? 0 : in == LANES ? 1 : p.W >= LANES ? 2 : 3;
    lp.start = in == LANES ? start : at;
    lp.index = _mm256_load_si256(reinterpret_cast<const __m256i*>(index));
    lp.keep = _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(keep)));
  }
}

// The 8 lanes at offset `at` of the octet's pieces (8 / P of them, starting at q[0], q[1], ...).
template <int P>
inline __m256 lanes(const float* const* q, long at) {
  if constexpr (P == 8) {
    return _mm256_loadu_ps(q[0] + at);
  } else if constexpr (P == 4) {
    return _mm256_loadu2_m128(q[1] + at, q[0] + at);
  } else if constexpr (P == 2) {
    const __m128 lo = _mm_loadh_pi(_mm_loadl_pi(_mm_setzero_ps(), (const __m64*)(q[0] + at)), (const __m64*)(q[1] + at));
    const __m128 hi = _mm_loadh_pi(_mm_loadl_pi(_mm_setzero_ps(), (const __m64*)(q[2] + at)), (const __m64*)(q[3] + at));
    return _mm256_set_m128(hi, lo);
  } else {
    return _mm256_setr_ps(q[0][at], q[1][at], q[2][at], q[3][at], q[4][at], q[5][at], q[6][at], q[7][at]);
  }
}

// B^T d (points 0, +-1, +-2, infinity).
inline void input_1d(__m256 d0, __m256 d1, __m256 d2, __m256 d3, __m256 d4, __m256 d5, __m256* o) {
  const __m256 four = _mm256_set1_ps(4.0f), five = _mm256_set1_ps(5.0f);
  const __m256 t = _mm256_sub_ps(d4, d2);
  const __m256 u = _mm256_sub_ps(d1, d3);
  const __m256 u2 = _mm256_add_ps(u, u);
  o[0] = _mm256_fmadd_ps(four, d0, _mm256_fnmadd_ps(five, d2, d4));
  o[1] = _mm256_fnmadd_ps(four, _mm256_add_ps(d1, d2), _mm256_add_ps(d3, d4));
  o[2] = _mm256_fmadd_ps(four, _mm256_sub_ps(d1, d2), _mm256_sub_ps(d4, d3));
  o[3] = _mm256_sub_ps(t, u2);
  o[4] = _mm256_add_ps(t, u2);
  o[5] = _mm256_fmadd_ps(four, d1, _mm256_fnmadd_ps(five, d3, d5));
}

// V of one octet and input channel, whose split plane holds the octet's pieces at q[0], q[1],
// ...: product xi at v + xi * vplane.
template <int P>
void input_octet(const Plan& p, const float* const* q, float* v) {
  __m256 e[AT][AT];
  // Rows: e[r] = B^T d_r, with d_r[j] = phase j % 4, element + j / 4.
  for (int r = 0; r < AT; r++) {
    const long at = (long)r * p.Wq;
    input_1d(lanes<P>(q, at), lanes<P>(q, at + p.phase), lanes<P>(q, at + 2 * p.phase), lanes<P>(q, at + 3 * p.phase),
             lanes<P>(q, at + 1), lanes<P>(q, at + p.phase + 1), e[r]);
  }
  // Columns: V[xy][xx] = (B^T e[.][xx])[xy].
  for (int xx = 0; xx < AT; xx++) {
    __m256 o[AT];
    input_1d(e[0][xx], e[1][xx], e[2][xx], e[3][xx], e[4][xx], e[5][xx], o);
    for (int xy = 0; xy < AT; xy++) _mm256_store_ps(v + (xy * AT + xx) * p.vplane, o[xy]);
  }
}

// ------------------------------------------------------------------------------------------
// The products: M_xi[MR rows at m, m + T, ...][8 NV tiles] = U_xi sliver (Cin x MR) * V panel.

template <int NV>
inline void products(int C, const float* a, const float* b, float* m, long T) {
  __m256 acc[MR][NV];
#pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
  for (int c = 0; c < C; c++) {
    __m256 bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) bv[v] = _mm256_load_ps(b + v * LANES);
#pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      const __m256 ar = _mm256_broadcast_ss(a + r);
#pragma GCC unroll 3
      for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(ar, bv[v], acc[r][v]);
    }
    a += MR;
    b += NR;
  }
#pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) _mm256_store_ps(m + r * T + v * LANES, acc[r][v]);
}

// ------------------------------------------------------------------------------------------
// The output transform and the epilogue.

// A^T d.
inline void output_1d(__m256 d0, __m256 d1, __m256 d2, __m256 d3, __m256 d4, __m256 d5, __m256* o) {
  const __m256 s12 = _mm256_add_ps(d1, d2), d12 = _mm256_sub_ps(d1, d2);
  const __m256 s34 = _mm256_add_ps(d3, d4), d34 = _mm256_sub_ps(d3, d4);
  o[0] = _mm256_add_ps(_mm256_add_ps(d0, s12), s34);
  o[1] = _mm256_fmadd_ps(_mm256_set1_ps(2.0f), d34, d12);
  o[2] = _mm256_fmadd_ps(_mm256_set1_ps(4.0f), s34, s12);
  o[3] = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(8.0f), d34, d12), d5);
}

// Where a piece's outputs go: the offset of its top-left pixel in an output plane, or -1.
struct Piece {
  long out;
  long in;       // the offset of its first input in xw, channel 0
  int row, col;  // of its top-left pixel
};

struct Epilogue {
  const float* bias;
  const float* residual;  // same layout as y, or nullptr
  bool relu;
};

// n pixels (n < 8 or not contiguous) of a row, from vals, with the residual and ReLU.
inline void store_pixels(float* y, const float* res, const float* vals, int n, bool relu) {
  for (int i = 0; i < n; i++) {
    float t = vals[i];
    if (res) t += res[i];
    if (relu) t = t > 0.0f ? t : 0.0f;  // relu(NaN) = 0, as max(NaN, 0) below
    y[i] = t;
  }
}

// Y = A^T M A for output channel o of one octet (M_xi at m + xi * mplane), + bias, the epilogue,
// written to y (and read from the residual) at plane offset `plane`.
template <int P>
void output_octet(const Plan& p, const float* m, const Piece* piece, float bias, float* y, const float* res,
                  bool relu) {
  __m256 z[AT][MT];
  for (int r = 0; r < AT; r++) {
    const float* s = m + r * AT * p.mplane;
    output_1d(_mm256_load_ps(s), _mm256_load_ps(s + p.mplane), _mm256_load_ps(s + 2 * p.mplane),
              _mm256_load_ps(s + 3 * p.mplane), _mm256_load_ps(s + 4 * p.mplane), _mm256_load_ps(s + 5 * p.mplane),
              z[r]);
  }
  __m256 Y[MT][MT];  // Y[yy][xx], lanes = tiles
  const __m256 vb = _mm256_set1_ps(bias);
  for (int xx = 0; xx < MT; xx++) {
    __m256 o[MT];
    output_1d(z[0][xx], z[1][xx], z[2][xx], z[3][xx], z[4][xx], z[5][xx], o);
    for (int yy = 0; yy < MT; yy++) Y[yy][xx] = _mm256_add_ps(o[yy], vb);
  }
  const __m256 zero = _mm256_setzero_ps();
  for (int yy = 0; yy < MT; yy++) {
    // In-lane 4 x 4 transposes, then pairs of tiles: pair k = the rows of tiles 2k and 2k + 1.
    const __m256 t0 = _mm256_unpacklo_ps(Y[yy][0], Y[yy][1]), t1 = _mm256_unpacklo_ps(Y[yy][2], Y[yy][3]);
    const __m256 t2 = _mm256_unpackhi_ps(Y[yy][0], Y[yy][1]), t3 = _mm256_unpackhi_ps(Y[yy][2], Y[yy][3]);
    const __m256 r0 = _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(1, 0, 1, 0));  // tiles 0 | 4
    const __m256 r1 = _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 2, 3, 2));  // tiles 1 | 5
    const __m256 r2 = _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(1, 0, 1, 0));  // tiles 2 | 6
    const __m256 r3 = _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(3, 2, 3, 2));  // tiles 3 | 7
    const __m256 pair[4] = {_mm256_permute2f128_ps(r0, r1, 0x20), _mm256_permute2f128_ps(r2, r3, 0x20),
                            _mm256_permute2f128_ps(r0, r1, 0x31), _mm256_permute2f128_ps(r2, r3, 0x31)};
    for (int k = 0; k < 4; k++) {
      if constexpr (P >= 2) {
        const Piece& pc = piece[2 * k / P];
        const int col = pc.col + (2 * k % P) * MT;
        const int row = pc.row + yy;
        if (pc.out < 0 || row >= p.Ho || col >= p.Wo) continue;
        const long at = pc.out + (long)yy * p.Wo + (2 * k % P) * MT;
        if (col + 2 * MT <= p.Wo) {
          __m256 t = pair[k];
          if (res) t = _mm256_add_ps(t, _mm256_loadu_ps(res + at));
          if (relu) t = _mm256_max_ps(t, zero);  // max(NaN, 0) = 0
          _mm256_storeu_ps(y + at, t);
          continue;
        }
        alignas(32) float vals[2 * MT];
        _mm256_store_ps(vals, pair[k]);
        store_pixels(y + at, res ? res + at : nullptr, vals, p.Wo - col, relu);
      } else {
        alignas(32) float vals[2 * MT];
        _mm256_store_ps(vals, pair[k]);
        for (int h = 0; h < 2; h++) {
          const Piece& pc = piece[2 * k + h];
          if (pc.out < 0 || pc.row + yy >= p.Ho) continue;
          const long at = pc.out + (long)yy * p.Wo;
          store_pixels(y + at, res ? res + at : nullptr, vals + h * MT, std::min(MT, p.Wo - pc.col), relu);
        }
      }
    }
  }
}

// ------------------------------------------------------------------------------------------
// One block of images.

struct Job {
  Plan p;
  const float* src;  // [N, Cin, H, W]
  const float* U;
  Epilogue ep;
  float* dst;  // [N, Cout, Ho, Wo]
  float* const* xw;
  float* const* vm;
  const LinePart* parts;
  Piece* const* pieces;  // room for every piece of a block
};

template <int P>
void run_block(const Job& j, int task, int thread) {
  const Plan& p = j.p;
  const int n0 = task * p.per, nb = std::min(p.N, n0 + p.per) - n0;
  float* xw = j.xw[thread];
  float* V = j.vm[thread];
  float* M = V + (long)XI * p.vplane;
  const int perImage = p.th * p.pw;
  const int pieces = nb * perImage;
  constexpr int K = LANES / P;  // pieces per octet
  const int octets = (pieces + K - 1) / K;
  const long outPlane = (long)p.Ho * p.Wo;
  // Piece g: image g / perImage, tile row and first tile column from the rest. Pieces past the
  // block's last read image 0's (any valid memory) and are not stored.
  Piece* piece = j.pieces[thread];
  for (int g = 0; g < octets * K; g++) {
    if (g >= pieces) {
      piece[g] = {-1, 0, 0, 0};
      continue;
    }
    const int b = g / perImage, tr = g % perImage / p.pw, tc = g % p.pw * P;
    piece[g] = {(long)(n0 + b) * p.Cout * outPlane + (long)tr * MT * p.Wo + tc * MT,
                b * p.chan + (long)tr * MT * p.Wq + tc, tr * MT, tc * MT};
  }
  // Channel by channel: its split planes (one per image) stay in L1 while its octets read them.
  for (int c = 0; c < p.Cin; c++) {
    for (int b = 0; b < nb; b++) split_channel(p, j.src + ((long)(n0 + b) * p.Cin + c) * p.H * p.W, xw + b * p.chan, j.parts);
    for (int q = 0; q < octets; q++) {
      const float* in[K];
      for (int k = 0; k < K; k++) in[k] = xw + piece[q * K + k].in;
      input_octet<P>(p, in, V + ((long)(q / 3) * p.Cin + c) * NR + (q % 3) * LANES);
    }
  }
  const int panels = (octets * LANES + NR - 1) / NR;
  for (int xi = 0; xi < XI; xi++) {
    const float* u = j.U + (long)xi * p.OB * p.Cin * MR;
    const float* v = V + xi * p.vplane;
    float* m = M + xi * p.mplane;
    for (int pn = 0; pn < panels; pn++) {
      const int nv = std::min(3, octets - 3 * pn);
      const float* b = v + (long)pn * p.Cin * NR;
      for (int ob = 0; ob < p.OB; ob++) {
        const float* a = u + (long)ob * p.Cin * MR;
        float* c = m + (long)ob * MR * p.T + pn * NR;
        if (nv == 3)
          products<3>(p.Cin, a, b, c, p.T);
        else if (nv == 2)
          products<2>(p.Cin, a, b, c, p.T);
        else
          products<1>(p.Cin, a, b, c, p.T);
      }
    }
  }
  // Channel by channel: the octets of one channel read neighbouring lines of the 36 planes.
  for (int o = 0; o < p.Cout; o++) {
    const float bias = j.ep.bias ? j.ep.bias[o] : 0.0f;
    float* y = j.dst + o * outPlane;
    const float* res = j.ep.residual ? j.ep.residual + o * outPlane : nullptr;
    for (int q = 0; q < octets; q++)
      output_octet<P>(p, M + (long)o * p.T + q * LANES, piece + q * K, bias, y, res, j.ep.relu);
  }
}

void block_task(void* context, int task, int thread) {
  const Job& j = *static_cast<const Job*>(context);
  switch (j.p.P) {
    case 8:
      run_block<8>(j, task, thread);
      break;
    case 4:
      run_block<4>(j, task, thread);
      break;
    case 2:
      run_block<2>(j, task, thread);
      break;
    default:
      run_block<1>(j, task, thread);
  }
}

void run(const Plan& p, const float* src, const float* w, bool transposed, Epilogue ep, float* dst, int threads) {
  float* U = scratch(0, 2, (std::size_t)XI * p.OB * MR * p.Cin + 16);
  WeightJob wj{&p, w, transposed, U};
  parallel_for(p.OB * MR, std::max(1, std::min(threads, p.OB * MR)), weight_row, &wj);
  const int tasks = (p.N + p.per - 1) / p.per;
  threads = std::max(1, std::min(threads, tasks));
  float* xw[kMaxThreads];
  float* vm[kMaxThreads];
  Piece* pieces[kMaxThreads];
  for (int t = 0; t < threads; t++) {
    xw[t] = scratch(t, 0, (std::size_t)p.per * p.chan);
    // V and M, then the block's pieces.
    const std::size_t vmFloats = (std::size_t)XI * (p.vplane + p.mplane);
    vm[t] = scratch(t, 1, vmFloats + (std::size_t)p.octets * LANES * sizeof(Piece) / sizeof(float));
    pieces[t] = reinterpret_cast<Piece*>(vm[t] + vmFloats);
  }
  std::vector<LinePart> parts(p.Wq / LANES * 4);
  line_parts(p, parts.data());
  Job job{p, src, U, ep, dst, xw, vm, parts.data(), pieces};
  parallel_for(tasks, threads, block_task, &job);
}

// Input channels below which the direct kernels are faster than the transforms (measured).
constexpr int MIN_CHANNELS = 8;

bool three_by_three(const ConvGeometry& g) {
  return g.kH == 3 && g.kW == 3 && g.strideH == 1 && g.strideW == 1 && g.Ho == g.H + 2 * g.padH - 2 &&
         g.Wo == g.W + 2 * g.padW - 2 && g.Ho > 0 && g.Wo > 0;
}

}  // namespace

bool winograd_forward_applies(const ConvGeometry& g) { return three_by_three(g) && g.C >= MIN_CHANNELS; }

bool winograd_backward_data_applies(const ConvGeometry& g) {
  return three_by_three(g) && g.O >= MIN_CHANNELS && g.padH <= 2 && g.padW <= 2;
}

void winograd_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                      const float* residual, bool relu, float* y, int threads) {
  const Plan p = plan_of(g.N, g.C, g.O, g.H, g.W, g.padH, g.padW, g.Ho, g.Wo);
  run(p, x, w, false, {bias, residual, relu}, y, threads);
}

void winograd_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads) {
  // The transposed convolution: dy [O, Ho, Wo] padded by 2 - pad -> dx [C, H, W].
  const Plan p = plan_of(g.N, g.O, g.C, g.Ho, g.Wo, 2 - g.padH, 2 - g.padW, g.H, g.W);
  run(p, dy, w, true, {nullptr, nullptr, false}, dx, threads);
}

}  // namespace funt
