// Winograd convolution F(4x4, 3x3) (Lavin & Gray 2016) with AVX2 + FMA, and with AVX-512 in the
// second build (isa.h), for 3 x 3 stride-1 convolutions: the forward pass and, as the
// transposed convolution, the backward-data pass.
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
// panels of NR tiles, 24 or with AVX-512 48), the 36 products run with a 4 x NR FMA micro-kernel
// on U (the transformed weights, packed in 4-row slivers, computed once per call), and the
// output transform of each channel and octet writes y directly (+ bias, + residual, ReLU),
// lanes put back into pixel order with in-register transposes.
//
// Accuracy: the transforms add a few roundings (coefficients up to 8); normwise errors stay
// near 1e-6. A non-finite input value spreads NaN over its whole output tile (Inf - Inf), where
// a direct convolution gives +-Infinity in the window's outputs only; the same holds for NaN
// or infinite weights.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "scratch.h"
#include "thread_pool.h"
#include "winograd.h"

namespace funt {
namespace FUNT_ISA {
namespace {

constexpr int MT = 4;     // output tile
constexpr int AT = 6;     // input tile: MT + 2
constexpr int XI = 36;    // AT * AT products
constexpr int MR = 4;     // output channels per micro-tile
constexpr int LANES = 8;  // tiles per vector of the transforms
// Tiles per panel of V and M: three octets (12 ymm accumulators of the 4 x 24 products), or six
// with AVX-512 (12 zmm accumulators of the 4 x 48 products).
constexpr int NR = FUNT_WIDE ? 48 : 24;
constexpr int PANEL = NR / LANES;  // octets per panel
// Floats of V and M (the transformed inputs and the products) a block aims at: half the L2 of
// the CPUs each build is for (512 KiB on AVX2's Zen 2/3, 1 MiB and more with AVX-512: Zen 4/5,
// Xeons since Skylake-SP; 512 KiB blocks measured 2-5% faster than 256 KiB on Zen 5).
constexpr long BLOCK_FLOATS = (FUNT_WIDE ? 512 << 10 : 256 << 10) / 4;

inline int round_up(int v, int m) { return (v + m - 1) / m * m; }

// A plane [H, W] padded by (pH, pW), split into 4 column phases: split[phase][row][i] =
// plane[row - pH][4i + phase - pW], 0 outside.
struct Split {
  int H, W, pH, pW;
  int rows, Wq;      // rows and elements per row (whole vectors) of one phase
  long phase, chan;  // floats of one phase, of the 4 (one channel of one image)
};

Split split_of(int H, int W, int pH, int pW, int rows, int elements) {
  Split s{H, W, pH, pW, rows, round_up(elements, 8), 0, 0};
  s.phase = (long)s.rows * s.Wq;
  s.chan = 4 * s.phase;
  return s;
}

// The transform geometry: input [Cin, H, W] padded by (pH, pW) -> output [Cout, Ho, Wo].
struct Plan {
  int N, Cin, Cout, Ho, Wo;
  Split x;     // of the input
  int th, tw;  // tiles high and wide
  int P, pw;   // tiles per piece, pieces per tile row
  int per;           // images per block (task)
  int octets;        // octets of a full block
  int panels;        // panels of NR tiles of a full block
  long T;            // tiles of M's rows: panels * NR
  long vplane, mplane;
  int OB;  // output-channel slivers: ceil(Cout / MR)
};

// maxImages: the most images a block may hold (N: any); minTiles: the fewest tiles it holds
// when maxImages allows (the filter gradient's blocks of sums want long runs of octets).
Plan plan_of(int N, int Cin, int Cout, int H, int W, int pH, int pW, int Ho, int Wo, int maxImages,
             int minTiles = 0) {
  Plan p{};
  p.N = N, p.Cin = Cin, p.Cout = Cout, p.Ho = Ho, p.Wo = Wo;
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
  // Rows: every row a tile reads. A tile row reads elements [0, pw P]: one more than the tiles.
  p.x = split_of(H, W, pH, pW, p.th * MT + 2, p.pw * p.P + 1);
  p.OB = (Cout + MR - 1) / MR;
  const long tileFloats = (long)XI * (Cin + p.OB * MR);
  const int imageTiles = p.th * p.pw * p.P;
  // Images per block: within the budget, rounded up to whole octets (lanes of an octet past
  // the block's last image would be wasted), and to whole panels of NR tiles when that at most
  // doubles the block (the micro-kernel's narrower forms are slower).
  int per = (int)std::max<long>(1, BLOCK_FLOATS / (tileFloats * imageTiles));
  while (per * imageTiles % LANES != 0) per++;
  int whole = per;
  while (whole * imageTiles % NR != 0) whole++;
  if (whole <= 2 * per) per = whole;
  per = std::max(per, (minTiles + imageTiles - 1) / imageTiles);
  p.per = std::min(maxImages, per);
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

// Sliver `ob` of U (output channels ob MR .. ob MR + MR - 1): their filters with every input
// channel, transformed into u[r][ci][xi], then written plane by plane (the 36 planes are far
// apart: writing all 36 values of one filter at once would evict each other's cache lines).
// A task writes whole slivers: rows of one sliver written by two threads would share cache lines.
void weight_sliver(void* context, int ob, int) {
  auto& j = *static_cast<WeightJob*>(context);
  const Plan& p = *j.p;
  const long xiStride = (long)p.OB * p.Cin * MR;
  float* slot = j.U + (long)ob * p.Cin * MR;
  std::vector<float> u((std::size_t)MR * p.Cin * XI, 0.0f);  // rows past Cout stay 0
  for (int r = 0; r < MR; r++) {
    const int co = ob * MR + r;
    if (co >= p.Cout) break;
    for (int ci = 0; ci < p.Cin; ci++) {
      // Forward: w[co][ci]. Transposed: w[ci][co] flipped in both directions.
      double k[3][3];
      const float* f = j.transposed ? j.w + ((long)ci * p.Cout + co) * 9 : j.w + ((long)co * p.Cin + ci) * 9;
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) k[a][b] = j.transposed ? f[(2 - a) * 3 + (2 - b)] : f[a * 3 + b];
      double t[3][AT];  // t[a][jx] = (k[a] G^T)[jx]
      for (int a = 0; a < 3; a++)
        for (int jx = 0; jx < AT; jx++) t[a][jx] = G[jx][0] * k[a][0] + G[jx][1] * k[a][1] + G[jx][2] * k[a][2];
      float* out = u.data() + ((long)r * p.Cin + ci) * XI;
      for (int i = 0; i < AT; i++)
        for (int jx = 0; jx < AT; jx++)
          out[i * AT + jx] = (float)(G[i][0] * t[0][jx] + G[i][1] * t[1][jx] + G[i][2] * t[2][jx]);
    }
  }
  for (int xi = 0; xi < XI; xi++)
    for (int ci = 0; ci < p.Cin; ci++)
      for (int r = 0; r < MR; r++) slot[xi * xiStride + ci * MR + r] = u[((long)r * p.Cin + ci) * XI + xi];
}

// ------------------------------------------------------------------------------------------
// The input: phase split and transform.

// Where a part of split_channel's chunk (8 floats from image column `start`) comes from: a
// masked load of the lanes inside the image (the others read as 0 and are not touched, so no
// branch on the part's kind and nothing read past the row).
struct LinePart {
  int start;  // the first column: negative or past the row where the padding is
#if FUNT_WIDE
  __mmask8 inside;  // the lanes whose column lies inside [0, W)
#else
  __m256i inside;  // all ones in the lanes whose column lies inside [0, W)
#endif
};

// The lanes of `part` that lie inside the row (the others 0), from the address of its column 0.
inline __m256 load_part(std::uintptr_t line, const LinePart& part) {
  const float* at = reinterpret_cast<const float*>(line + (std::intptr_t)part.start * 4);
#if FUNT_WIDE
  return _mm256_maskz_loadu_ps(part.inside, at);  // a mask register: cheaper than vmaskmovps
#else
  return _mm256_maskload_ps(at, part.inside);
#endif
}

// How split_channel turns a row of the plane into the 4 phases' rows: 32 columns at a time,
// through 4 masked loads and a transpose (any width: `parts`), or with
// AVX-512, where the row fits in two zmm registers and a phase's row in one (CIFAR's 32, 16 and
// 8 wide planes), one load per 16 columns and one two-register permutation per phase: 9 to 11
// instructions per row where the transpose takes 20 per 32 columns, and 16- and 8-wide rows,
// padded to one chunk of 32 columns, are mostly padding.
struct Splitter {
  std::vector<LinePart> parts;
#if FUNT_WIDE
  bool permute = false;
  __mmask16 lo = 0, hi = 0;  // the row's columns [0, 16) and [16, 32) inside [0, W)
  __m512i index[4];          // phase ph, lane i: column 4 i + ph - pW of the two registers
  __mmask16 keep[4];         // the lanes whose column lies inside the row (the others 0)
#endif
};

#if FUNT_WIDE
// split_channel by permutations (Splitter::permute): phase rows of 16 floats (Wide) or 8. The
// masks and indices are copied into registers first: stores into dst might alias the Splitter.
template <bool Wide>
void split_rows(const Split& p, const float* src, float* dst, const Splitter& s, const float* next) {
  const __mmask16 lo = s.lo, hi = s.hi;
  const __m512i i0 = s.index[0], i1 = s.index[1], i2 = s.index[2], i3 = s.index[3];
  const __mmask16 k0 = s.keep[0], k1 = s.keep[1], k2 = s.keep[2], k3 = s.keep[3];
  const long phase = p.phase;
  auto store = [&](float* d, __m512 v) {
    if (Wide) {
      _mm512_storeu_ps(d, v);
    } else {
      _mm256_store_ps(d, _mm512_castps512_ps256(v));
    }
  };
  const __m512 zero = _mm512_setzero_ps();
  for (int row = 0; row < p.rows; row++) {
    const int h = row - p.pH;
    float* d = dst + (long)row * p.Wq;
    if (h < 0 || h >= p.H) {
      for (int ph = 0; ph < 4; ph++) store(d + ph * phase, zero);
      continue;
    }
    const float* r = src + (long)h * p.W;
    if (next)
      for (int i = 0; i < p.W; i += 16) _mm_prefetch(reinterpret_cast<const char*>(next + (long)h * p.W + i), _MM_HINT_T0);
    // Masked lanes are never read: r + 16 may lie past the plane.
    const __m512 a = _mm512_maskz_loadu_ps(lo, r), b = _mm512_maskz_loadu_ps(hi, r + 16);
    store(d, _mm512_maskz_permutex2var_ps(k0, a, i0, b));
    store(d + phase, _mm512_maskz_permutex2var_ps(k1, a, i1, b));
    store(d + 2 * phase, _mm512_maskz_permutex2var_ps(k2, a, i2, b));
    store(d + 3 * phase, _mm512_maskz_permutex2var_ps(k3, a, i3, b));
  }
}
#endif

// xw of one channel of one image from its plane [H, W]: rows of the zero-padded plane, each
// split into its 4 phases. `next` is the plane split after this one (or nullptr): its rows are
// prefetched as these are read (planes of 4 KiB and less each start a new page, where the
// hardware prefetcher stops).
void split_channel(const Split& p, const float* src, float* dst, const Splitter& s, const float* next) {
  const int chunks = p.Wq / LANES;
  const __m256 zero = _mm256_setzero_ps();
#if FUNT_WIDE
  if (s.permute) {
    if (chunks == 2) {
      split_rows<true>(p, src, dst, s, next);
    } else {
      split_rows<false>(p, src, dst, s, next);
    }
    return;
  }
#endif
  for (int row = 0; row < p.rows; row++) {
    const int h = row - p.pH;
    float* d = dst + (long)row * p.Wq;
    if (h < 0 || h >= p.H) {
      for (int k = 0; k < chunks; k++)
        for (int ph = 0; ph < 4; ph++) _mm256_store_ps(d + k * LANES + ph * p.phase, zero);
      continue;
    }
    const float* r = src + (long)h * p.W;
    if (next)
      for (int i = 0; i < p.W; i += 16) _mm_prefetch(reinterpret_cast<const char*>(next + (long)h * p.W + i), _MM_HINT_T0);
    // The address of column `start` may lie before the row (masked lanes are never read).
    const std::uintptr_t line = reinterpret_cast<std::uintptr_t>(r);
    const LinePart* parts = s.parts.data();
    for (int k = 0; k < chunks; k++, d += LANES) {
      __m256 a[4];
      for (int i = 0; i < 4; i++) a[i] = load_part(line, parts[4 * k + i]);
      // b_r = [group r | group r + 4] (groups of 4 consecutive floats)
      const __m256 b0 = _mm256_permute2f128_ps(a[0], a[2], 0x20), b1 = _mm256_permute2f128_ps(a[0], a[2], 0x31);
      const __m256 b2 = _mm256_permute2f128_ps(a[1], a[3], 0x20), b3 = _mm256_permute2f128_ps(a[1], a[3], 0x31);
      const __m256 t0 = _mm256_unpacklo_ps(b0, b1), t1 = _mm256_unpacklo_ps(b2, b3);
      const __m256 t2 = _mm256_unpackhi_ps(b0, b1), t3 = _mm256_unpackhi_ps(b2, b3);
      _mm256_store_ps(d, _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(1, 0, 1, 0)));
      _mm256_store_ps(d + p.phase, _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 2, 3, 2)));
      _mm256_store_ps(d + 2 * p.phase, _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(1, 0, 1, 0)));
      _mm256_store_ps(d + 3 * p.phase, _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(3, 2, 3, 2)));
    }
  }
}

// Plane c of image n0 + b of a tensor [N, C, H, W].
inline const float* plane(const float* t, int C, const Split& s, int n0, int, int b, int c) {
  return t + ((long)(n0 + b) * C + c) * s.H * s.W;
}

// The plane split after (b, c) when a block of nb images is split channel by channel.
inline const float* next_plane(const float* t, int C, const Split& s, int n0, int nb, int b, int c) {
  if (b + 1 < nb) return plane(t, C, s, n0, nb, b + 1, c);
  return c + 1 < C ? plane(t, C, s, n0, nb, 0, c + 1) : nullptr;
}

// split_channel's way through the rows of this width and padding.
Splitter splitter_of(const Split& p) {
  Splitter s;
  const int n = p.Wq / LANES * 4;
  s.parts.resize(n);
  for (int i = 0; i < n; i++) {
    const int start = i * LANES - p.pW;
    alignas(32) int inside[LANES];
    for (int l = 0; l < LANES; l++) inside[l] = start + l >= 0 && start + l < p.W ? -1 : 0;
    s.parts[i].start = start;
#if FUNT_WIDE
    s.parts[i].inside = 0;
    for (int l = 0; l < LANES; l++) s.parts[i].inside |= (__mmask8)((inside[l] & 1) << l);
#else
    s.parts[i].inside = _mm256_load_si256(reinterpret_cast<const __m256i*>(inside));
#endif
  }
#if FUNT_WIDE
  s.permute = p.W <= 32 && p.Wq <= 16;
  if (s.permute) {
    s.lo = (__mmask16)((1u << std::min(p.W, 16)) - 1);
    s.hi = (__mmask16)((1u << std::max(p.W - 16, 0)) - 1);
    for (int ph = 0; ph < 4; ph++) {
      alignas(64) int index[16];
      s.keep[ph] = 0;
      for (int i = 0; i < 16; i++) {
        const int col = 4 * i + ph - p.pW;
        const bool inside = col >= 0 && col < p.W && i < p.Wq;
        index[i] = inside ? col : 0;
        if (inside) s.keep[ph] = (__mmask16)(s.keep[ph] | (1u << i));
      }
      s.index[ph] = _mm512_load_si512(index);
    }
  }
#endif
  return s;
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

#if FUNT_WIDE
// The 16 lanes at offset `at` of two octets' pieces (q[0 .. 2 K), K = 8 / P per octet).
template <int P>
inline __m512 pair_lanes(const float* const* q, long at) {
  constexpr int K = LANES / P;
  return _mm512_insertf32x8(_mm512_castps256_ps512(lanes<P>(q, at)), lanes<P>(q + K, at), 1);
}
#endif

// The lane-wise arithmetic of the transforms on 8 lanes (one octet) and, with AVX-512, on 16
// (two octets at once).
struct Lanes8 {
  using V = __m256;
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V fmadd(float a, V b, V c) { return _mm256_fmadd_ps(_mm256_set1_ps(a), b, c); }
  static V fnmadd(float a, V b, V c) { return _mm256_fnmadd_ps(_mm256_set1_ps(a), b, c); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V splat(float a) { return _mm256_set1_ps(a); }
};
#if FUNT_WIDE
struct Lanes16 {
  using V = __m512;
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V fmadd(float a, V b, V c) { return _mm512_fmadd_ps(_mm512_set1_ps(a), b, c); }
  static V fnmadd(float a, V b, V c) { return _mm512_fnmadd_ps(_mm512_set1_ps(a), b, c); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V splat(float a) { return _mm512_set1_ps(a); }
};
#endif

// B^T d (points 0, +-1, +-2, infinity).
template <typename L, typename V = typename L::V>
inline void input_1d(V d0, V d1, V d2, V d3, V d4, V d5, V* o) {
  const V t = L::sub(d4, d2);
  const V u = L::sub(d1, d3);
  const V u2 = L::add(u, u);
  o[0] = L::fmadd(4.0f, d0, L::fnmadd(5.0f, d2, d4));
  o[1] = L::fnmadd(4.0f, L::add(d1, d2), L::add(d3, d4));
  o[2] = L::fmadd(4.0f, L::sub(d1, d2), L::sub(d4, d3));
  o[3] = L::sub(t, u2);
  o[4] = L::add(t, u2);
  o[5] = L::fmadd(4.0f, d1, L::fnmadd(5.0f, d3, d5));
}

// V of the tiles in L's lanes for one input channel, load(at) giving their values at offset
// `at` of the split plane: product xi at v + xi * vplane.
template <typename L, typename Load>
inline void input_tiles(const Split& p, Load load, float* v, long vplane) {
  typename L::V e[AT][AT];
  // Rows: e[r] = B^T d_r, with d_r[j] = phase j % 4, element + j / 4.
  for (int r = 0; r < AT; r++) {
    const long at = (long)r * p.Wq;
    input_1d<L>(load(at), load(at + p.phase), load(at + 2 * p.phase), load(at + 3 * p.phase), load(at + 1),
                load(at + p.phase + 1), e[r]);
  }
  // Columns: V[xy][xx] = (B^T e[.][xx])[xy].
  for (int xx = 0; xx < AT; xx++) {
    typename L::V o[AT];
    input_1d<L>(e[0][xx], e[1][xx], e[2][xx], e[3][xx], e[4][xx], e[5][xx], o);
    for (int xy = 0; xy < AT; xy++) L::store(v + (xy * AT + xx) * vplane, o[xy]);
  }
}

// V of one octet, whose split plane holds the octet's pieces at q[0], q[1], ....
template <int P>
void input_octet(const Split& p, const float* const* q, float* v, long vplane) {
  input_tiles<Lanes8>(p, [q](long at) { return lanes<P>(q, at); }, v, vplane);
}

#if FUNT_WIDE
// input_octet of two octets (pieces q[0 .. 2K)) in 16 lanes, the second's V right after the first's.
template <int P>
void input_pair(const Split& p, const float* const* q, float* v, long vplane) {
  input_tiles<Lanes16>(p, [q](long at) { return pair_lanes<P>(q, at); }, v, vplane);
}
#endif

// ------------------------------------------------------------------------------------------
// The products: M_xi[MR rows at m, m + T, ...][8 NV tiles] = U_xi sliver (Cin x MR) * V panel.

#if FUNT_WIDE
// NV octets as NV / 2 zmm vectors and, for odd NV, one ymm: the same sums in the same order per
// tile as the 8-lane form, so a tile's value does not depend on its place in the panel.
template <int NV>
inline void products(int C, const float* a, const float* b, float* m, long T) {
  constexpr int NZ = NV / 2;
  constexpr bool HALF = NV % 2 != 0;
  __m512 acc[MR][NZ > 0 ? NZ : 1];
  __m256 half[MR];
#pragma GCC unroll 4
  for (int r = 0; r < MR; r++) {
#pragma GCC unroll 3
    for (int v = 0; v < NZ; v++) acc[r][v] = _mm512_setzero_ps();
    half[r] = _mm256_setzero_ps();
  }
  for (int c = 0; c < C; c++) {
    __m512 bv[NZ > 0 ? NZ : 1];
#pragma GCC unroll 3
    for (int v = 0; v < NZ; v++) bv[v] = _mm512_loadu_ps(b + v * 2 * LANES);
    const __m256 bh = HALF ? _mm256_load_ps(b + NZ * 2 * LANES) : _mm256_setzero_ps();
#pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      const __m512 ar = _mm512_set1_ps(a[r]);
#pragma GCC unroll 3
      for (int v = 0; v < NZ; v++) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
      if (HALF) half[r] = _mm256_fmadd_ps(_mm512_castps512_ps256(ar), bh, half[r]);
    }
    a += MR;
    b += NR;
  }
#pragma GCC unroll 4
  for (int r = 0; r < MR; r++) {
#pragma GCC unroll 3
    for (int v = 0; v < NZ; v++) _mm512_storeu_ps(m + r * T + v * 2 * LANES, acc[r][v]);
    if (HALF) _mm256_store_ps(m + r * T + NZ * 2 * LANES, half[r]);
  }
}
#else
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
#endif

// The products of one panel holding `octets` (1 to PANEL) octets.
inline void panel_products(int octets, int C, const float* a, const float* b, float* m, long T) {
  switch (octets) {
#if FUNT_WIDE
    case 6:
      products<6>(C, a, b, m, T);
      break;
    case 5:
      products<5>(C, a, b, m, T);
      break;
    case 4:
      products<4>(C, a, b, m, T);
      break;
#endif
    case 3:
      products<3>(C, a, b, m, T);
      break;
    case 2:
      products<2>(C, a, b, m, T);
      break;
    default:
      products<1>(C, a, b, m, T);
  }
}

// ------------------------------------------------------------------------------------------
// The output transform and the epilogue.

// A^T d.
template <typename L, typename V = typename L::V>
inline void output_1d(V d0, V d1, V d2, V d3, V d4, V d5, V* o) {
  const V s12 = L::add(d1, d2), d12 = L::sub(d1, d2);
  const V s34 = L::add(d3, d4), d34 = L::sub(d3, d4);
  o[0] = L::add(L::add(d0, s12), s34);
  o[1] = L::fmadd(2.0f, d34, d12);
  o[2] = L::fmadd(4.0f, s34, s12);
  o[3] = L::add(L::fmadd(8.0f, d34, d12), d5);
}

// Y[yy][xx] = (A^T M A)[yy][xx] + bias of the tiles in the lanes of L, M_xi at m + xi * mplane.
template <typename L, typename V = typename L::V>
inline void output_tiles(const float* m, long mplane, float bias, V (&Y)[MT][MT]) {
  V z[AT][MT];
  for (int r = 0; r < AT; r++) {
    const float* s = m + r * AT * mplane;
    output_1d<L>(L::load(s), L::load(s + mplane), L::load(s + 2 * mplane), L::load(s + 3 * mplane),
                 L::load(s + 4 * mplane), L::load(s + 5 * mplane), z[r]);
  }
  const V vb = L::splat(bias);
  for (int xx = 0; xx < MT; xx++) {
    V o[MT];
    output_1d<L>(z[0][xx], z[1][xx], z[2][xx], z[3][xx], z[4][xx], z[5][xx], o);
    for (int yy = 0; yy < MT; yy++) Y[yy][xx] = L::add(o[yy], vb);
  }
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

// The tiles Y[yy][xx] (lanes = the octet's tiles) of one output channel with the epilogue,
// written to y (and the residual read) at the places of the octet's pieces.
template <int P>
void store_octet(const Plan& p, const __m256 (&Y)[MT][MT], const Piece* piece, float* y, const float* res,
                 bool relu) {
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

// Y = A^T M A + bias for output channel o of one octet (M_xi at m + xi * mplane), the epilogue,
// written to y.
template <int P>
void output_octet(const Plan& p, const float* m, const Piece* piece, float bias, float* y, const float* res,
                  bool relu) {
  __m256 Y[MT][MT];
  output_tiles<Lanes8>(m, p.mplane, bias, Y);
  store_octet<P>(p, Y, piece, y, res, relu);
}

#if FUNT_WIDE
// store_octet of two octets whose pieces are 2, 4 or 8 tiles wide, in 16 lanes: each row yy of
// the 16 tiles is transposed into pixel order in zmm registers (two in-lane 4 x 4 transposes,
// then one of 128-bit blocks), 4 runs of 16 pixels, each stored with one (masked) zmm store, or
// with pieces of 2 tiles, two ymm stores.
template <int P>
void store_pair(const Plan& p, const __m512 (&Y)[MT][MT], const Piece* piece, float* y, const float* res,
                bool relu) {
  static_assert(P == 2 || P == 4 || P == 8, "pieces of 8, 16 or 32 pixels a row");
  constexpr int RUNS = P / 4;  // runs of 16 pixels per piece row (P >= 4)
  const __m512 zero = _mm512_setzero_ps();
  for (int yy = 0; yy < MT; yy++) {
    const __m512 t0 = _mm512_unpacklo_ps(Y[yy][0], Y[yy][1]), t1 = _mm512_unpacklo_ps(Y[yy][2], Y[yy][3]);
    const __m512 t2 = _mm512_unpackhi_ps(Y[yy][0], Y[yy][1]), t3 = _mm512_unpackhi_ps(Y[yy][2], Y[yy][3]);
    // Block k of r_j: the 4 pixels of tile 4 k + j.
    const __m512 r0 = _mm512_shuffle_ps(t0, t1, _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 r1 = _mm512_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 2, 3, 2));
    const __m512 r2 = _mm512_shuffle_ps(t2, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 r3 = _mm512_shuffle_ps(t2, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m512 u0 = _mm512_shuffle_f32x4(r0, r1, _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 u1 = _mm512_shuffle_f32x4(r0, r1, _MM_SHUFFLE(3, 2, 3, 2));
    const __m512 u2 = _mm512_shuffle_f32x4(r2, r3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 u3 = _mm512_shuffle_f32x4(r2, r3, _MM_SHUFFLE(3, 2, 3, 2));
    // Run s: tiles 4 s .. 4 s + 3, pixels 16 s .. 16 s + 15 of the two octets' rows.
    const __m512 run[4] = {_mm512_shuffle_f32x4(u0, u2, _MM_SHUFFLE(2, 0, 2, 0)),
                           _mm512_shuffle_f32x4(u0, u2, _MM_SHUFFLE(3, 1, 3, 1)),
                           _mm512_shuffle_f32x4(u1, u3, _MM_SHUFFLE(2, 0, 2, 0)),
                           _mm512_shuffle_f32x4(u1, u3, _MM_SHUFFLE(3, 1, 3, 1))};
    if constexpr (P == 2) {
      // Each run holds two pieces' rows of 8 pixels: one ymm store each.
      for (int s = 0; s < 8; s++) {
        const Piece& pc = piece[s];
        if (pc.out < 0 || pc.row + yy >= p.Ho) continue;
        const long at = pc.out + (long)yy * p.Wo;
        const __mmask8 inside = (__mmask8)(p.Wo - pc.col >= 8 ? 0xFF : (1u << (p.Wo - pc.col)) - 1);
        __m256 t = s % 2 ? _mm512_extractf32x8_ps(run[s / 2], 1) : _mm512_castps512_ps256(run[s / 2]);
        if (res) t = _mm256_add_ps(t, _mm256_maskz_loadu_ps(inside, res + at));
        if (relu) t = _mm256_max_ps(t, _mm512_castps512_ps256(zero));  // max(NaN, 0) = 0
        _mm256_mask_storeu_ps(y + at, inside, t);
      }
      continue;
    }
    for (int s = 0; s < 4; s++) {
      const Piece& pc = piece[s / RUNS];
      const int col = pc.col + s % RUNS * 16;
      if (pc.out < 0 || pc.row + yy >= p.Ho || col >= p.Wo) continue;
      const long at = pc.out + (long)yy * p.Wo + s % RUNS * 16;
      const __mmask16 inside = (__mmask16)(p.Wo - col >= 16 ? 0xFFFF : (1u << (p.Wo - col)) - 1);
      __m512 t = run[s];
      if (res) t = _mm512_add_ps(t, _mm512_maskz_loadu_ps(inside, res + at));
      if (relu) t = _mm512_max_ps(t, zero);  // max(NaN, 0) = 0
      _mm512_mask_storeu_ps(y + at, inside, t);
    }
  }
}

// output_octet of two consecutive octets, their transforms in 16 lanes.
template <int P>
void output_pair(const Plan& p, const float* m, const Piece* piece, float bias, float* y, const float* res,
                 bool relu) {
  constexpr int K = LANES / P;
  __m512 Y[MT][MT];
  output_tiles<Lanes16>(m, p.mplane, bias, Y);
  if constexpr (P >= 2) {
    store_pair<P>(p, Y, piece, y, res, relu);
    return;
  }
  __m256 half[MT][MT];
  for (int yy = 0; yy < MT; yy++)
    for (int xx = 0; xx < MT; xx++) half[yy][xx] = _mm512_castps512_ps256(Y[yy][xx]);
  store_octet<P>(p, half, piece, y, res, relu);
  for (int yy = 0; yy < MT; yy++)
    for (int xx = 0; xx < MT; xx++) half[yy][xx] = _mm512_extractf32x8_ps(Y[yy][xx], 1);
  store_octet<P>(p, half, piece + K, y, res, relu);
}
#endif

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
  const Splitter* split;
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
                b * p.x.chan + (long)tr * MT * p.x.Wq + tc, tr * MT, tc * MT};
  }
  // Channel by channel: its split planes (one per image) stay in L1 while its octets read them.
  for (int c = 0; c < p.Cin; c++) {
    for (int b = 0; b < nb; b++)
      split_channel(p.x, plane(j.src, p.Cin, p.x, n0, nb, b, c), xw + b * p.x.chan, *j.split,
                    next_plane(j.src, p.Cin, p.x, n0, nb, b, c));
    const float* in[2 * K];
    int q = 0;
#if FUNT_WIDE
    // Pairs: q even and PANEL even, so both octets lie in one panel.
    for (; q + 2 <= octets; q += 2) {
      for (int k = 0; k < 2 * K; k++) in[k] = xw + piece[q * K + k].in;
      input_pair<P>(p.x, in, V + ((long)(q / PANEL) * p.Cin + c) * NR + (q % PANEL) * LANES, p.vplane);
    }
#endif
    for (; q < octets; q++) {
      for (int k = 0; k < K; k++) in[k] = xw + piece[q * K + k].in;
      input_octet<P>(p.x, in, V + ((long)(q / PANEL) * p.Cin + c) * NR + (q % PANEL) * LANES, p.vplane);
    }
  }
  const int panels = (octets * LANES + NR - 1) / NR;
  for (int xi = 0; xi < XI; xi++) {
    const float* u = j.U + (long)xi * p.OB * p.Cin * MR;
    const float* v = V + xi * p.vplane;
    float* m = M + xi * p.mplane;
    for (int pn = 0; pn < panels; pn++) {
      const int nv = std::min(PANEL, octets - PANEL * pn);
      const float* b = v + (long)pn * p.Cin * NR;
      for (int ob = 0; ob < p.OB; ob++)
        panel_products(nv, p.Cin, u + (long)ob * p.Cin * MR, b, m + (long)ob * MR * p.T + pn * NR, p.T);
    }
  }
  // Channel by channel: the octets of one channel read neighbouring lines of the 36 planes.
  for (int o = 0; o < p.Cout; o++) {
    const float bias = j.ep.bias ? j.ep.bias[o] : 0.0f;
    float* y = j.dst + o * outPlane;
    const float* res = j.ep.residual ? j.ep.residual + o * outPlane : nullptr;
    int q = 0;
#if FUNT_WIDE
    for (; q + 2 <= octets; q += 2)
      output_pair<P>(p, M + (long)o * p.T + q * LANES, piece + q * K, bias, y, res, j.ep.relu);
#endif
    for (; q < octets; q++)
      output_octet<P>(p, M + (long)o * p.T + q * LANES, piece + q * K, bias, y, res, j.ep.relu);
  }
}

// f(std::integral_constant<int, P>()) for the piece width P (8, 4, 2 or 1): the kernels with
// their piece width as a literal.
template <typename F>
void with_piece_width(int P, F f) {
  switch (P) {
    case 8:
      f(std::integral_constant<int, 8>());
      break;
    case 4:
      f(std::integral_constant<int, 4>());
      break;
    case 2:
      f(std::integral_constant<int, 2>());
      break;
    default:
      f(std::integral_constant<int, 1>());
  }
}

void block_task(void* context, int task, int thread) {
  const Job& j = *static_cast<const Job*>(context);
  with_piece_width(j.p.P, [&](auto P) { run_block<P()>(j, task, thread); });
}

void run(const Plan& p, const float* src, const float* w, bool transposed, Epilogue ep, float* dst, int threads) {
  float* U = scratch(0, 2, (std::size_t)XI * p.OB * MR * p.Cin + 16);
  WeightJob wj{&p, w, transposed, U};
  parallel_for(p.OB, std::max(1, std::min(threads, p.OB)), weight_sliver, &wj);
  const int tasks = (p.N + p.per - 1) / p.per;
  threads = std::max(1, std::min(threads, tasks));
  float* xw[kMaxThreads];
  float* vm[kMaxThreads];
  Piece* pieces[kMaxThreads];
  for (int t = 0; t < threads; t++) {
    xw[t] = scratch(t, 0, (std::size_t)p.per * p.x.chan);
    // V and M, then the block's pieces.
    const std::size_t vmFloats = (std::size_t)XI * (p.vplane + p.mplane);
    vm[t] = scratch(t, 1, vmFloats + (std::size_t)p.octets * LANES * sizeof(Piece) / sizeof(float));
    pieces[t] = reinterpret_cast<Piece*>(vm[t] + vmFloats);
  }
  const Splitter split = splitter_of(p.x);
  Job job{p, src, U, ep, dst, xw, vm, &split, pieces};
  parallel_for(tasks, threads, block_task, &job);
}

// ------------------------------------------------------------------------------------------
// The filter gradient: dW = G^T dU G with dU_xi[o, c] = sum over tiles t of dM_xi[o, t] V_xi[c, t],
// dM = A dY A^T (the output gradient's tiles taken to the 36 points) and V the input transform
// as above. The sums run over fixed chunks of images, each chunk's in its own partial sums,
// added in chunk order at the end, so the bits do not depend on the thread count.

constexpr int DO = MR;  // output channels per dot block
// Input channels per dot block: 8 accumulators of 16 ymm registers, or 16 of AVX-512's 32 (the
// 4 x 4 block loads 8 vectors per 16 FMAs, where 4 x 2 loads 6 per 8: its sums read L2 less).
constexpr int DC = FUNT_WIDE ? 4 : 2;

// A d: four output-gradient values to the six points.
template <typename L, typename V = typename L::V>
inline void grad_1d(V d0, V d1, V d2, V d3, V* o) {
  const V s02 = L::add(d0, d2), s13 = L::add(d1, d3);
  const V e02 = L::fmadd(4.0f, d2, d0);
  const V e13 = L::fmadd(8.0f, d3, L::add(d1, d1));
  o[0] = d0;
  o[1] = L::add(s02, s13);
  o[2] = L::sub(s02, s13);
  o[3] = L::add(e02, e13);
  o[4] = L::sub(e02, e13);
  o[5] = d3;
}

// dM of the tiles in L's lanes for one output channel, load(at) giving their values at offset
// `at` of the split dy plane: product xi at m + xi * mplane.
template <typename L, typename Load>
inline void grad_tiles(const Split& p, Load load, float* m, long mplane) {
  typename L::V e[MT][AT];
  for (int y = 0; y < MT; y++) {
    const long at = (long)y * p.Wq;
    grad_1d<L>(load(at), load(at + p.phase), load(at + 2 * p.phase), load(at + 3 * p.phase), e[y]);
  }
  for (int xx = 0; xx < AT; xx++) {
    typename L::V o[AT];
    grad_1d<L>(e[0][xx], e[1][xx], e[2][xx], e[3][xx], o);
    for (int xy = 0; xy < AT; xy++) L::store(m + (xy * AT + xx) * mplane, o[xy]);
  }
}

// dM of one octet, whose split dy plane holds the octet's pieces at q[0], q[1], ....
template <int P>
void grad_octet(const Split& p, const float* const* q, float* m, long mplane) {
  grad_tiles<Lanes8>(p, [q](long at) { return lanes<P>(q, at); }, m, mplane);
}

#if FUNT_WIDE
// grad_octet of two octets (pieces q[0 .. 2K)) in 16 lanes, the second's dM right after the first's.
template <int P>
void grad_pair(const Split& p, const float* const* q, float* m, long mplane) {
  grad_tiles<Lanes16>(p, [q](long at) { return pair_lanes<P>(q, at); }, m, mplane);
}
#endif

#if FUNT_WIDE
// The lane sums of 16 vectors as one vector (lane k: the sum of s[k]), in registers: pairs
// interleaved and added within 128-bit lanes (unpack, then shuffle), then across them.
inline __m512 lane_sums(const __m512 (&s)[16]) {
  __m512 t[8], u[4];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++)  // per 128-bit lane: s[2i] and s[2i + 1], their even and odd halves
    t[i] = _mm512_add_ps(_mm512_unpacklo_ps(s[2 * i], s[2 * i + 1]), _mm512_unpackhi_ps(s[2 * i], s[2 * i + 1]));
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++)  // per 128-bit lane: the sums of s[4i .. 4i + 3] over that lane
    u[i] = _mm512_add_ps(_mm512_shuffle_ps(t[2 * i], t[2 * i + 1], 0x44), _mm512_shuffle_ps(t[2 * i], t[2 * i + 1], 0xEE));
  const __m512 w01 = _mm512_add_ps(_mm512_shuffle_f32x4(u[0], u[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_f32x4(u[0], u[1], _MM_SHUFFLE(3, 1, 3, 1)));
  const __m512 w23 = _mm512_add_ps(_mm512_shuffle_f32x4(u[2], u[3], _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_f32x4(u[2], u[3], _MM_SHUFFLE(3, 1, 3, 1)));
  return _mm512_add_ps(_mm512_shuffle_f32x4(w01, w23, _MM_SHUFFLE(2, 0, 2, 0)),
                       _mm512_shuffle_f32x4(w01, w23, _MM_SHUFFLE(3, 1, 3, 1)));
}

// out[DO * DC] += the sums over `octets` octets of dM[r] * V[c] (rows T apart), in (r, c)
// order: 16 accumulators of 16 lanes over pairs of octets (a last odd octet in their low
// halves), their lanes added at once, all in registers.
inline void dot_block(const float* dm, const float* v, long T, int octets, float* out) {
  static_assert(DO * DC == 16, "one zmm of sums");
  __m512 acc[DO * DC];
#pragma GCC unroll 16
  for (int k = 0; k < DO * DC; k++) acc[k] = _mm512_setzero_ps();
  // Pairs, then the last octet zero-extended (its high lanes add zeros).
  for (int q = 0; q < octets; q += 2) {
    const bool pair = q + 2 <= octets;
    __m512 b[DC];
#pragma GCC unroll 4
    for (int c = 0; c < DC; c++)
      b[c] = pair ? _mm512_loadu_ps(v + c * T + q * LANES) : _mm512_zextps256_ps512(_mm256_load_ps(v + c * T + q * LANES));
#pragma GCC unroll 4
    for (int r = 0; r < DO; r++) {
      const __m512 a =
          pair ? _mm512_loadu_ps(dm + r * T + q * LANES) : _mm512_zextps256_ps512(_mm256_load_ps(dm + r * T + q * LANES));
#pragma GCC unroll 4
      for (int c = 0; c < DC; c++) acc[r * DC + c] = _mm512_fmadd_ps(a, b[c], acc[r * DC + c]);
    }
  }
  _mm512_storeu_ps(out, _mm512_add_ps(_mm512_loadu_ps(out), lane_sums(acc)));
}
#else
// acc[r][c] += dM[r] * V[c] over octet q (rows T apart).
inline void dot_octet(const float* dm, const float* v, long T, int q, __m256 (&acc)[DO][DC]) {
  __m256 b[DC];
#pragma GCC unroll 4
  for (int c = 0; c < DC; c++) b[c] = _mm256_load_ps(v + c * T + q * LANES);
#pragma GCC unroll 4
  for (int r = 0; r < DO; r++) {
    const __m256 a = _mm256_load_ps(dm + r * T + q * LANES);
#pragma GCC unroll 4
    for (int c = 0; c < DC; c++) acc[r][c] = _mm256_fmadd_ps(a, b[c], acc[r][c]);
  }
}

// The lane sums of 8 vectors, as one vector (lane k: the sum of s[k]), by a tree of hadds.
inline __m256 lane_sums(const __m256* s) {
  const __m256 h0 = _mm256_hadd_ps(s[0], s[1]), h1 = _mm256_hadd_ps(s[2], s[3]);
  const __m256 h2 = _mm256_hadd_ps(s[4], s[5]), h3 = _mm256_hadd_ps(s[6], s[7]);
  const __m256 g0 = _mm256_hadd_ps(h0, h1), g1 = _mm256_hadd_ps(h2, h3);
  return _mm256_add_ps(_mm256_permute2f128_ps(g0, g1, 0x20), _mm256_permute2f128_ps(g0, g1, 0x31));
}

// out[DO * DC] += the sums over `octets` octets of dM[r] * V[c] (rows T apart), in (r, c)
// order: DO * DC accumulators over the octets, their lanes added 8 at a time.
inline void dot_block(const float* dm, const float* v, long T, int octets, float* out) {
  __m256 acc[DO][DC];
  for (int r = 0; r < DO; r++)
    for (int c = 0; c < DC; c++) acc[r][c] = _mm256_setzero_ps();
  for (int q = 0; q < octets; q++) dot_octet(dm, v, T, q, acc);
  static_assert(DO * DC % LANES == 0, "whole vectors of sums");
  const __m256* sums = &acc[0][0];
  for (int k = 0; k < DO * DC; k += LANES)
    _mm256_store_ps(out + k, _mm256_add_ps(_mm256_load_ps(out + k), lane_sums(sums + k)));
}
#endif

struct FilterJob {
  Plan p;
  Split d;           // of dy
  const float *x, *dy;
  int per;           // images per chunk
  int CB;            // input-channel pairs
  long T, vplane, mplane;
  float* partials;   // [chunks][XI][OB][CB][DO * DC]
  float* const* xw;  // x's split channel of each image of a block, then dy's, then a zero one
  float* const* vm;  // V [XI][CB * DC][T], then dM [XI][OB * DO][T], then the pieces
  const Splitter *xsplit, *dsplit;
};

template <int P>
void filter_chunk(const FilterJob& j, int chunk, int thread) {
  const Plan& p = j.p;
  const Split& d = j.d;
  constexpr int K = LANES / P;
  const long T = j.T;
  float* xw = j.xw[thread];
  float* dyw = xw + p.per * p.x.chan;
  float* V = j.vm[thread];
  float* dM = V + XI * j.vplane;
  Piece* piece = reinterpret_cast<Piece*>(dM + XI * j.mplane);
  const long partFloats = (long)XI * p.OB * j.CB * DO * DC;
  float* part = j.partials + chunk * partFloats;
  std::memset(part, 0, sizeof(float) * partFloats);
  // The rows past C and O, and dy's zero plane (what pieces past a block's images read), stay 0.
  std::memset(dyw + p.per * d.chan, 0, sizeof(float) * d.chan);
  for (int xi = 0; xi < XI; xi++) {
    std::memset(V + xi * j.vplane + p.Cin * T, 0, sizeof(float) * (j.CB * DC - p.Cin) * T);
    std::memset(dM + xi * j.mplane + p.Cout * T, 0, sizeof(float) * (p.OB * DO - p.Cout) * T);
  }
  const int perImage = p.th * p.pw;
  const int n0 = chunk * j.per, n1 = std::min(p.N, n0 + j.per);
  for (int b0 = n0; b0 < n1; b0 += p.per) {
    const int nb = std::min(p.per, n1 - b0);
    const int pieces = nb * perImage;
    const int octets = (pieces + K - 1) / K;
    // Piece g: `in` its offset in x's split planes, `out` in dy's.
    for (int g = 0; g < octets * K; g++) {
      if (g >= pieces) {
        piece[g] = {p.per * d.chan, 0, 0, 0};
        continue;
      }
      const int b = g / perImage, tr = g % perImage / p.pw, tc = g % p.pw * P;
      piece[g] = {b * d.chan + (long)tr * MT * d.Wq + tc, b * p.x.chan + (long)tr * MT * p.x.Wq + tc, 0, 0};
    }
    const float* in[2 * K];
    for (int c = 0; c < p.Cin; c++) {
      for (int b = 0; b < nb; b++)
        split_channel(p.x, plane(j.x, p.Cin, p.x, b0, nb, b, c), xw + b * p.x.chan, *j.xsplit,
                      next_plane(j.x, p.Cin, p.x, b0, nb, b, c));
      int q = 0;
#if FUNT_WIDE
      for (; q + 2 <= octets; q += 2) {
        for (int k = 0; k < 2 * K; k++) in[k] = xw + piece[q * K + k].in;
        input_pair<P>(p.x, in, V + c * T + q * LANES, j.vplane);
      }
#endif
      for (; q < octets; q++) {
        for (int k = 0; k < K; k++) in[k] = xw + piece[q * K + k].in;
        input_octet<P>(p.x, in, V + c * T + q * LANES, j.vplane);
      }
    }
    for (int o = 0; o < p.Cout; o++) {
      for (int b = 0; b < nb; b++)
        split_channel(d, plane(j.dy, p.Cout, d, b0, nb, b, o), dyw + b * d.chan, *j.dsplit,
                      next_plane(j.dy, p.Cout, d, b0, nb, b, o));
      int q = 0;
#if FUNT_WIDE
      for (; q + 2 <= octets; q += 2) {
        for (int k = 0; k < 2 * K; k++) in[k] = dyw + piece[q * K + k].out;
        grad_pair<P>(d, in, dM + o * T + q * LANES, j.mplane);
      }
#endif
      for (; q < octets; q++) {
        for (int k = 0; k < K; k++) in[k] = dyw + piece[q * K + k].out;
        grad_octet<P>(d, in, dM + o * T + q * LANES, j.mplane);
      }
    }
    for (int xi = 0; xi < XI; xi++)
      for (int ob = 0; ob < p.OB; ob++)
        for (int cb = 0; cb < j.CB; cb++)
          dot_block(dM + xi * j.mplane + ob * DO * T, V + xi * j.vplane + cb * DC * T, T, octets,
                    part + (((long)xi * p.OB + ob) * j.CB + cb) * DO * DC);
  }
}

void filter_task(void* context, int chunk, int thread) {
  const FilterJob& j = *static_cast<const FilterJob*>(context);
  with_piece_width(j.p.P, [&](auto P) { filter_chunk<P()>(j, chunk, thread); });
}

struct FilterReduce {
  const FilterJob* j;
  int chunks;
  long slice;  // floats of the partial sums per task of chunk_sums
  float* out;  // [O][C * 9]
};

constexpr int SUM_SLICES = 64;
constexpr int FILTER_CHUNKS = 8;

// Slice `task` of the chunks' partial sums added in chunk order, into chunk 0's.
void chunk_sums(void* context, int task, int) {
  const FilterReduce& f = *static_cast<const FilterReduce*>(context);
  const FilterJob& j = *f.j;
  const long partFloats = (long)XI * j.p.OB * j.CB * DO * DC;
  const long i0 = task * f.slice, i1 = std::min(partFloats, i0 + f.slice);
  float* sum = j.partials;
  for (int k = 1; k < f.chunks; k++) {
    const float* part = j.partials + k * partFloats;
    for (long i = i0; i < i1; i += LANES)
      _mm256_store_ps(sum + i, _mm256_add_ps(_mm256_load_ps(sum + i), _mm256_load_ps(part + i)));
  }
}

// Row o of the gradient: G^T dU G for every input channel, from the summed dU.
void filter_row(void* context, int o, int) {
  const FilterReduce& f = *static_cast<const FilterReduce*>(context);
  const FilterJob& j = *f.j;
  const Plan& p = j.p;
  for (int c = 0; c < p.Cin; c++) {
    double du[XI];
    for (int xi = 0; xi < XI; xi++)
      du[xi] = j.partials[(((long)xi * p.OB + o / DO) * j.CB + c / DC) * DO * DC + o % DO * DC + c % DC];
    double r[AT][3];  // r[a][jx] = (dU[a] G)[jx]
    for (int a = 0; a < AT; a++)
      for (int jx = 0; jx < 3; jx++) {
        double t = 0;
        for (int b = 0; b < AT; b++) t += du[a * AT + b] * G[b][jx];
        r[a][jx] = t;
      }
    float* w = f.out + ((long)o * p.Cin + c) * 9;
    for (int i = 0; i < 3; i++)
      for (int jx = 0; jx < 3; jx++) {
        double t = 0;
        for (int a = 0; a < AT; a++) t += G[a][i] * r[a][jx];
        w[i * 3 + jx] = (float)t;
      }
  }
}

// Input channels below which the direct kernels are faster than the transforms (measured).
constexpr int MIN_CHANNELS = 8;

bool three_by_three(const ConvGeometry& g) {
  return g.kH == 3 && g.kW == 3 && g.strideH == 1 && g.strideW == 1 && g.Ho == g.H + 2 * g.padH - 2 &&
         g.Wo == g.W + 2 * g.padW - 2 && g.Ho > 0 && g.Wo > 0;
}

}  // namespace

bool winograd_filter_applies(const ConvGeometry& g) {
  return three_by_three(g) && g.C >= MIN_CHANNELS && g.O >= MIN_CHANNELS;
}

float* winograd_filter_gradient(const ConvGeometry& g, const float* x, const float* dy, int threads) {
  // Chunks fixed by N alone: 8 of them (fewer partial sums to add than the direct kernel's 16,
  // and longer runs of octets per block of sums: 1.1-1.4x faster on the 16 x 16 and 8 x 8
  // images, measured), blocks of at least 256 tiles within a chunk.
  const int per = (g.N + FILTER_CHUNKS - 1) / FILTER_CHUNKS;
  const int chunks = (g.N + per - 1) / per;
  FilterJob j{};
  j.p = plan_of(g.N, g.C, g.O, g.H, g.W, g.padH, g.padW, g.Ho, g.Wo, per, 256);
  const Plan& p = j.p;
  // dy's tiles start at its top-left pixel; element t of phase j is column 4t + j of tile t.
  j.d = split_of(g.Ho, g.Wo, 0, 0, p.th * MT, p.pw * p.P);
  j.x = x, j.dy = dy, j.per = per;
  j.CB = (g.C + DC - 1) / DC;
  j.T = (long)p.octets * LANES;
  j.vplane = (long)j.CB * DC * j.T + 16;
  j.mplane = (long)p.OB * DO * j.T + 16;
  const long partFloats = (long)XI * p.OB * j.CB * DO * DC;
  j.partials = scratch(0, 2, (std::size_t)chunks * partFloats);
  float* out = scratch(0, 3, (std::size_t)g.O * g.C * 9);
  threads = std::max(1, std::min(threads, chunks));
  float* xw[kMaxThreads];
  float* vm[kMaxThreads];
  for (int t = 0; t < threads; t++) {
    xw[t] = scratch(t, 0, (std::size_t)p.per * p.x.chan + (std::size_t)(p.per + 1) * j.d.chan);
    vm[t] = scratch(t, 1, (std::size_t)XI * (j.vplane + j.mplane) +
                              (std::size_t)p.octets * LANES * sizeof(Piece) / sizeof(float));
  }
  j.xw = xw, j.vm = vm;
  const Splitter xsplit = splitter_of(p.x), dsplit = splitter_of(j.d);
  j.xsplit = &xsplit, j.dsplit = &dsplit;
  parallel_for(chunks, threads, filter_task, &j);
  // partFloats is a whole number of vectors (DO * DC = 8 or 16 per block), and so is every slice.
  const long slice = round_up((int)((partFloats + SUM_SLICES - 1) / SUM_SLICES), LANES);
  FilterReduce f{&j, chunks, slice, out};
  const int slices = (int)((partFloats + slice - 1) / slice);
  parallel_for(slices, std::max(1, std::min(threads, slices)), chunk_sums, &f);
  parallel_for(g.O, std::max(1, std::min(threads, g.O)), filter_row, &f);
  return out;
}

bool winograd_forward_applies(const ConvGeometry& g) { return three_by_three(g) && g.C >= MIN_CHANNELS; }

bool winograd_backward_data_applies(const ConvGeometry& g) {
  return three_by_three(g) && g.O >= MIN_CHANNELS && g.padH <= 2 && g.padW <= 2;
}

void winograd_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                      const float* residual, bool relu, float* y, int threads) {
  const Plan p = plan_of(g.N, g.C, g.O, g.H, g.W, g.padH, g.padW, g.Ho, g.Wo, g.N);
  run(p, x, w, false, {bias, residual, relu}, y, threads);
}

void winograd_backward_data(const ConvGeometry& g, const float* dy, const float* w, float* dx, int threads) {
  // The transposed convolution: dy [O, Ho, Wo] padded by 2 - pad -> dx [C, H, W].
  const Plan p = plan_of(g.N, g.O, g.C, g.Ho, g.Wo, 2 - g.padH, 2 - g.padW, g.H, g.W, g.N);
  run(p, dy, w, true, {nullptr, nullptr, false}, dx, threads);
}

}  // namespace FUNT_ISA
}  // namespace funt
