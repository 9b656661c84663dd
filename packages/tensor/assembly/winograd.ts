/**
 * Winograd convolution F(m×m, 3×3) (Lavin & Gray 2016) for 3×3 stride-1 convolutions: the
 * forward pass and, through the transposed convolution, the stride-1 backward-data pass.
 *
 * Each m×m tile of the output is computed from an α×α tile of the input (α = m + 2) as
 *     Y = Aᵀ [ Σ_c (G g_oc Gᵀ) ⊙ (Bᵀ d_c B) ] A
 * so the multiplications happen in α² independent matrix products over the channels:
 *     M_ξ[o, tile] = Σ_c U_ξ[o, c] · V_ξ[c, tile]     for ξ = 0 … α²−1,
 * α²/m² multiplies per output and channel instead of 9: 4 for F(2×2) (2.25× fewer) and 2.25 for
 * F(4×4) (4× fewer). The tile size is chosen per geometry (tileOf): whichever computes fewer
 * products, wasted lanes included.
 *
 * Vectors hold 4 tiles (a "quad"), one per lane: 4 horizontally adjacent ones, or 2 × 2 on
 * images only two tiles wide (quadRows), so every transform is plain lane-wise arithmetic. To
 * make the tiles' inputs adjacent, each image is first copied into a padded buffer split into m
 * column phases, xw[c][phase][row][i] = x[c][row − pH][i·m + phase − pW] (0 outside the image),
 * in which input column q·m + r of horizontally adjacent tiles is one load at phase r, offset q
 * (two half loads for a 2 × 2 quad). The quads of a block of tiles are transformed into V (already in the
 * packed-B layout of the GEMM: NR = 8 tiles = 2 quads per panel), the α² products run with the
 * GEMM micro-kernel on the transformed weights U (packed A, computed once per call by
 * winogradWeights), and the output transform writes y directly (+ bias, and the epilogue:
 * + residual, ReLU).
 *
 * Accuracy: the transforms add a few roundings per value (F(4×4)'s coefficients up to 8 lose a
 * little more); measured normwise errors stay near 1e-6, far inside the kernels' contract.
 * A non-finite input value spreads NaN over its whole output tile (Inf − Inf), where a direct
 * convolution would give ±Infinity in the window's outputs only.
 *
 * Units of parallel work: images [n0, n1), in pairs where one image alone would leave GEMM
 * panels half empty (winogradRangeImages); each range has its own scratch, U is shared.
 */

import { ConvShape, transposedOf } from './conv-shape';
import { MR, NR, depthBlock, packedABytes, packedAOffset } from './gemm';
import { splitImage, splitLineFloats } from './phase-split';
import { epilogueScalar, epilogueVec } from './relu';
import { align64, at, hsum, madd, roundUp } from './util';

/** Tiles per vector: one per lane. */
const QUAD: i32 = 4;
/** Bytes of V and M (the transformed inputs and products) per block of tiles: L2-sized. */
const BLOCK_BYTES: i32 = 320 << 10;

/**
 * The convolution computed: the forward one (geometry block at gp) or, for backward data, the
 * transposed one, which winogradTile writes into the block's second half (conv.ts, transposedOf)
 * before the ranges run (so that ranges only read it).
 */
@inline function shapeOf(gp: usize, backward: bool): ConvShape {
  return changetype<ConvShape>(backward ? gp + 64 : gp);
}

@inline function tilesHigh(g: ConvShape, m: i32): i32 {
  return (g.Ho + m - 1) / m;
}

@inline function tilesWide(g: ConvShape, m: i32): i32 {
  return (g.Wo + m - 1) / m;
}

/**
 * Tile rows per quad: a quad is a row of 4 tiles, or 2 × 2 tiles on images at most two tiles
 * wide (8-pixel images with F(4×4)), where a row of 4 would be half empty.
 */
@inline function quadRows(g: ConvShape, m: i32): i32 {
  return tilesWide(g, m) <= 2 ? 2 : 1;
}

@inline function quadsWide(g: ConvShape, m: i32): i32 {
  const qc = QUAD / quadRows(g, m);
  return (tilesWide(g, m) + qc - 1) / qc;
}

@inline function quadsHigh(g: ConvShape, m: i32): i32 {
  const qr = quadRows(g, m);
  return (tilesHigh(g, m) + qr - 1) / qr;
}

/** Quads of one image. */
@inline function imageQuads(g: ConvShape, m: i32): i32 {
  return quadsHigh(g, m) * quadsWide(g, m);
}

/** Output rows the quads cover (whole tiles, whole quads). */
@inline function coveredRows(g: ConvShape, m: i32): i32 {
  return quadsHigh(g, m) * quadRows(g, m) * m;
}

/** Rows and row length of one phase of xw: every row a tile reads, and one extra load width. */
@inline function padRows(g: ConvShape, m: i32): i32 {
  return coveredRows(g, m) + 2;
}

@inline function padWidth(g: ConvShape, m: i32): i32 {
  // Whole groups of 4 (splitImage writes four at a time).
  return roundUp(QUAD / quadRows(g, m) * quadsWide(g, m) + QUAD, 4);
}

@inline function imageFloats(g: ConvShape, m: i32): i32 {
  return g.C * m * padRows(g, m) * padWidth(g, m);
}

/** Floats of the zero-padded input line splitImage works in. */
@inline function lineFloats(g: ConvShape, m: i32): i32 {
  return splitLineFloats(m, padWidth(g, m));
}

/** Quads per block: V and M fit in BLOCK_BYTES; even, so that panels hold two quads. */
@inline function blockQuads(g: ConvShape, m: i32): i32 {
  const a = m + 2;
  const perQuad = a * a * (g.C + g.O) * QUAD * 4;
  return max(2, (BLOCK_BYTES / perQuad) & ~1);
}

/** Images padded together, when one image has fewer quads than a block (small images). */
@inline function groupImages(g: ConvShape, m: i32): i32 {
  return max(1, min(g.N, blockQuads(g, m) / imageQuads(g, m)));
}

/**
 * Bytes from one ξ plane of V or M (rows × T floats) to the next: a whole number of cache lines
 * plus one, so that the α² planes a transform reads or writes at the same offset do not all map
 * to the same L1 set (plane sizes are often multiples of 4 KiB).
 */
@inline function planeBytes(rows: i32, T: i32): usize {
  return ((<usize>(rows * T) << 2) + 63 & ~(<usize>63)) + 64;
}

/** Bytes, rounded up to whole cache lines, of `floats` f32 values. */
@inline function bytes(floats: i32): usize {
  return (<usize>floats << 2) + 63 & ~(<usize>63);
}

/** Tiles computed (wasted ones included) times the α² products per tile: the work of F(m×m). */
@inline function costOf(g: ConvShape, m: i32): i32 {
  return (m + 2) * (m + 2) * imageQuads(g, m);
}

@inline function tileOf(g: ConvShape): i32 {
  return costOf(g, 4) <= costOf(g, 2) ? 4 : 2;
}

/**
 * m (2 or 4) when the convolution (backward: its backward-data pass) is 3×3, stride 1 and has
 * enough input channels for the transforms to pay, else 0 (use the direct kernels). For the
 * backward pass this also writes the transposed geometry the other entry points read.
 */
export function winogradTile(gp: usize, backward: bool): i32 {
  const f = changetype<ConvShape>(gp);
  if (f.kH != 3 || f.kW != 3 || f.sH != 1 || f.sW != 1) return 0;
  if (backward && (f.pH > 2 || f.pW > 2)) return 0;
  const g = backward ? transposedOf(gp) : f;
  if (g.C < 8 || g.Ho < 1 || g.Wo < 1) return 0;
  return tileOf(g);
}

// ---------------------------------------------------------------------------------------------
// The 1-D transforms, on vectors of 4 tiles. Each writes its outputs at dst, dst + ds, …

/** Bᵀd for F(2×2, 3×3). */
@inline function inputTransform4(d0: v128, d1: v128, d2: v128, d3: v128, dst: usize, ds: usize): void {
  v128.store(dst, f32x4.sub(d0, d2));
  v128.store(dst + ds, f32x4.add(d1, d2));
  v128.store(dst + 2 * ds, f32x4.sub(d2, d1));
  v128.store(dst + 3 * ds, f32x4.sub(d1, d3));
}

/**
 * Bᵀd for F(4×4, 3×3) (interpolation points 0, ±1, ±2, ∞). The products by 2, 4 and 5 are
 * multiply-adds (`madd`): 8 fused ones and 6 adds in the relaxed-SIMD build instead of 6
 * multiplies and 15 adds, which all queue on the two add ports.
 */
@inline function inputTransform6(
  d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, dst: usize, ds: usize,
): void {
  const four = f32x4.splat(4);
  const t = f32x4.sub(d4, d2);
  const d13 = f32x4.sub(d1, d3);
  v128.store(dst, madd(four, d0, madd(f32x4.splat(-5), d2, d4)));
  v128.store(dst + ds, madd(f32x4.splat(-4), f32x4.add(d1, d2), f32x4.add(d3, d4)));
  v128.store(dst + 2 * ds, madd(four, f32x4.sub(d1, d2), f32x4.sub(d4, d3)));
  v128.store(dst + 3 * ds, madd(f32x4.splat(-2), d13, t));
  v128.store(dst + 4 * ds, madd(f32x4.splat(2), d13, t));
  v128.store(dst + 5 * ds, madd(four, d1, madd(f32x4.splat(-5), d3, d5)));
}

/** Aᵀd for F(2×2, 3×3). */
@inline function outputTransform4(d0: v128, d1: v128, d2: v128, d3: v128, dst: usize, ds: usize): void {
  v128.store(dst, f32x4.add(f32x4.add(d0, d1), d2));
  v128.store(dst + ds, f32x4.sub(f32x4.sub(d1, d2), d3));
}

/** Aᵀd for F(4×4, 3×3); the products by 2, 4 and 8 are multiply-adds, as in inputTransform6. */
@inline function outputTransform6(
  d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, dst: usize, ds: usize,
): void {
  const s12 = f32x4.add(d1, d2);
  const d12 = f32x4.sub(d1, d2);
  const s34 = f32x4.add(d3, d4);
  const d34 = f32x4.sub(d3, d4);
  v128.store(dst, f32x4.add(f32x4.add(d0, s12), s34));
  v128.store(dst + ds, madd(f32x4.splat(2), d34, d12));
  v128.store(dst + 2 * ds, madd(f32x4.splat(4), s34, s12));
  v128.store(dst + 3 * ds, madd(f32x4.splat(8), d34, f32x4.add(d12, d5)));
}

/** Row i of G applied to (a, b, c), in f64: the weight transform's 1-D step. */
@inline function gRow(m: i32, i: i32, a: f64, b: f64, c: f64): f64 {
  if (m == 2) {
    if (i == 0) return a;
    if (i == 1) return (a + b + c) * 0.5;
    if (i == 2) return (a - b + c) * 0.5;
    return c;
  }
  if (i == 0) return a * 0.25;
  if (i == 1) return -(a + b + c) / 6;
  if (i == 2) return -(a - b + c) / 6;
  if (i == 3) return a / 24 + b / 12 + c / 6;
  if (i == 4) return a / 24 - b / 12 + c / 6;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Weights

export function winogradWeightsBytes(gp: usize, backward: bool): i32 {
  const g = shapeOf(gp, backward);
  const a = tileOf(g) + 2;
  return <i32>(<usize>(a * a) * packedABytes(g.O, g.C) + 64);
}

/**
 * U_ξ = (G g Gᵀ)_ξ for output channels [o0, o1) (of roundUp(O, MR): rows past O are zero) and
 * every input channel, packed as GEMM A operands (O rows of depth C, MR-row slivers of splats),
 * one after the other for ξ = 0 … α²−1. Backward: the filter of the transposed convolution,
 * w'[c][o][i][j] = w[o][c][2−i][2−j].
 */
export function winogradWeights(gp: usize, w: usize, backward: bool, u: usize, o0: i32, o1: i32): void {
  const g = shapeOf(gp, backward);
  const m = tileOf(g);
  const a = m + 2;
  const O = g.O;
  const C = g.C;
  const perXi = packedABytes(O, C);
  const base = align64(u);
  for (let o = o0; o < o1; o++) {
    for (let c = 0; c < C; c++) {
      const slot = base + packedAOffset(o - o % MR, c, C) + <usize>((o % MR) << 4);
      if (o >= O) {
        for (let xi = 0; xi < a * a; xi++) v128.store(slot + <usize>xi * perXi, f32x4.splat(0));
        continue;
      }
      // f[i][j] of the 3×3 filter this (o, c) pair convolves with.
      const f = backward ? at(w, (c * O + o) * 9) : at(w, (o * C + c) * 9);
      const k00 = tap(f, backward, 0, 0), k01 = tap(f, backward, 0, 1), k02 = tap(f, backward, 0, 2);
      const k10 = tap(f, backward, 1, 0), k11 = tap(f, backward, 1, 1), k12 = tap(f, backward, 1, 2);
      const k20 = tap(f, backward, 2, 0), k21 = tap(f, backward, 2, 1), k22 = tap(f, backward, 2, 2);
      for (let j = 0; j < a; j++) {
        const r0 = gRow(m, j, k00, k01, k02);
        const r1 = gRow(m, j, k10, k11, k12);
        const r2 = gRow(m, j, k20, k21, k22);
        for (let i = 0; i < a; i++) {
          v128.store(slot + <usize>(i * a + j) * perXi, f32x4.splat(<f32>gRow(m, i, r0, r1, r2)));
        }
      }
    }
  }
}

/** Tap (i, j) of a 3×3 filter at f, flipped in both directions for the transposed convolution. */
@inline function tap(f: usize, flip: bool, i: i32, j: i32): f64 {
  return <f64>load<f32>(at(f, flip ? (2 - i) * 3 + (2 - j) : i * 3 + j));
}

// ---------------------------------------------------------------------------------------------
// The convolution

/**
 * The multiple of images a range of conv2dWinograd should start at: 2 when an image has an odd
 * number of quads and a block holds several images (8×8 images with F(4×4): one 2 × 2 quad
 * each), else 1. A range of one such image is a block of one quad, which fills half of every
 * NR = 8-column panel of the products (T rounds up to whole panels) and reads all of U for it:
 * twice the products' work per image. Whole pairs keep the panels full.
 */
export function winogradRangeImages(gp: usize, backward: bool): i32 {
  const g = shapeOf(gp, backward);
  const m = tileOf(g);
  return (imageQuads(g, m) & 1) != 0 && groupImages(g, m) >= 2 ? 2 : 1;
}

export function winogradScratchBytes(gp: usize, backward: bool): i32 {
  const g = shapeOf(gp, backward);
  const m = tileOf(g);
  const a = m + 2;
  const T = blockQuads(g, m) * QUAD;
  return <i32>(
    bytes(groupImages(g, m) * imageFloats(g, m)) +
    <usize>(a * a) * (planeBytes(g.C, T) + planeBytes(roundUp(g.O, MR), T)) +
    bytes(4 * 2 * a * a) + bytes(lineFloats(g, m)) + 64
  );
}

/**
 * y[n] = conv(x[n]) (+ bias) for images [n0, n1), with U from winogradWeights. Backward: dx[n]
 * from dy[n] (x = dy, y = dx, bias 0), the transposed convolution.
 */
export function conv2dWinograd(
  gp: usize, backward: bool, x: usize, u: usize, bias: usize, y: usize, res: usize, relu: bool,
  n0: i32, n1: i32, scratch: usize,
): void {
  const g = shapeOf(gp, backward);
  const m = tileOf(g);
  // m and the quad shape as literals, so that every index computation below folds.
  if (m == 4 && quadRows(g, 4) == 2) convolve4x2(g, x, u, bias, y, res, relu, n0, n1, scratch);
  else if (m == 4) convolve4x1(g, x, u, bias, y, res, relu, n0, n1, scratch);
  else if (quadRows(g, 2) == 2) convolve2x2(g, x, u, bias, y, res, relu, n0, n1, scratch);
  else convolve2x1(g, x, u, bias, y, res, relu, n0, n1, scratch);
}

/*
 * One function per (m, quad rows), each holding the inlined body with its literals. Four calls
 * of the inline function in the arms of the if above would be four arms that differ only in
 * constant arguments, which Binaryen merges into one body whose m and quad shape come from a
 * select: integer divisions and branches in every transform, 13–15% slower on the 16×32×32
 * passes at batch 128 and 3–13% on the others (measured).
 */
function convolve4x2(
  g: ConvShape, x: usize, u: usize, bias: usize, y: usize, res: usize, relu: bool, n0: i32, n1: i32, scratch: usize,
): void {
  convolve(4, 2, g, x, u, bias, y, res, relu, n0, n1, scratch);
}

function convolve4x1(
  g: ConvShape, x: usize, u: usize, bias: usize, y: usize, res: usize, relu: bool, n0: i32, n1: i32, scratch: usize,
): void {
  convolve(4, 1, g, x, u, bias, y, res, relu, n0, n1, scratch);
}

function convolve2x2(
  g: ConvShape, x: usize, u: usize, bias: usize, y: usize, res: usize, relu: bool, n0: i32, n1: i32, scratch: usize,
): void {
  convolve(2, 2, g, x, u, bias, y, res, relu, n0, n1, scratch);
}

function convolve2x1(
  g: ConvShape, x: usize, u: usize, bias: usize, y: usize, res: usize, relu: bool, n0: i32, n1: i32, scratch: usize,
): void {
  convolve(2, 1, g, x, u, bias, y, res, relu, n0, n1, scratch);
}

@inline function convolve(
  m: i32, qr: i32, g: ConvShape, x: usize, u: usize, bias: usize, y: usize, res: usize, relu: bool,
  n0: i32, n1: i32, scratch: usize,
): void {
  const a = m + 2;
  const C = g.C;
  const O = g.O;
  const qw = quadsWide(g, m);
  const perImage = imageQuads(g, m);
  const bq = blockQuads(g, m);
  const group = groupImages(g, m);
  const imageBytes = <usize>imageFloats(g, m) << 2;
  const xw = align64(scratch);
  const v = xw + bytes(group * imageFloats(g, m));
  const mm = v + <usize>(a * a) * planeBytes(C, bq * QUAD);
  const tbuf = mm + <usize>(a * a) * planeBytes(roundUp(O, MR), bq * QUAD);
  const line = tbuf + bytes(4 * 2 * a * a);
  const ub = align64(u);
  const uXi = packedABytes(O, C);
  const inBytes = <usize>(C * g.H * g.W) << 2;
  const outBytes = <usize>(O * g.Ho * g.Wo) << 2;
  const depth = depthBlock(C);
  for (let n = n0; n < n1; n += group) {
    const nb = min(group, n1 - n);
    for (let b = 0; b < nb; b++) padInput(m, g, x + <usize>(n + b) * inBytes, xw + <usize>b * imageBytes, line);
    const nq = nb * perImage;
    for (let q0 = 0; q0 < nq; q0 += bq) {
      const qn = min(bq, nq - q0);
      const T = roundUp(qn, 2) * QUAD;
      const vXi = planeBytes(C, T);
      const mXi = planeBytes(roundUp(O, MR), T);
      for (let qi = 0; qi < qn; qi++) {
        const q = q0 + qi;
        const b = q / perImage;
        const tr = (q % perImage) / qw;
        const tg = q % qw;
        // Panel qi/2 of every V_ξ, half qi%2 of its NR = 8 columns.
        const dst = v + <usize>((qi >> 1) * C * NR + (qi & 1) * QUAD) * 4;
        inputQuad(m, qr, g, xw + <usize>b * imageBytes, tr, tg, dst, vXi, 1, NR * 4, tbuf);
      }
      for (let xi = 0; xi < a * a; xi++) {
        for (let pc = 0; pc < C; pc += depth) {
          const kc = min(depth, C - pc);
          const ap = ub + <usize>xi * uXi + packedAOffset(0, pc, C);
          const bp = v + <usize>xi * vXi + (<usize>(pc * NR) << 2);
          const cp = mm + <usize>xi * mXi;
          if (pc == 0) productsStore(O, T, kc, C, ap, bp, cp);
          else productsAdd(O, T, kc, C, ap, bp, cp);
        }
      }
      // Channel by channel: the quads of one channel read the same cache lines of the α² planes
      // of M one after the other (quad by quad, the lines of every channel, α²·O of them, would
      // not stay in L1 until the next quad reads them again).
      const planeOut = <usize>(g.Ho * g.Wo) << 2;
      for (let o = 0; o < O; o++) {
        const bo: f32 = bias ? load<f32>(at(bias, o)) : 0;
        // Image, quad row and quad column of quad q0 + qi, stepped without divisions.
        let b = q0 / perImage;
        let tr = (q0 % perImage) / qw;
        let tg = q0 % qw;
        for (let qi = 0; qi < qn; qi++) {
          const plane = <usize>(n + b) * outBytes + <usize>o * planeOut;
          const ro = res ? res + plane : 0;
          outputQuad(m, qr, g, mm + <usize>(o * T + qi * QUAD) * 4, mXi, bo, y + plane, ro, relu, tr, tg, tbuf);
          if (++tg == qw) {
            tg = 0;
            if (++tr * qw == perImage) {
              tr = 0;
              b++;
            }
          }
        }
      }
    }
  }
}

/** M_ξ = U_ξ·V_ξ over the first block of the depth (sliverProducts). */
function productsStore(O: i32, T: i32, kc: i32, C: i32, ap: usize, bp: usize, c: usize): void {
  sliverProducts(O, T, kc, C, ap, bp, c, false);
}

/** M_ξ += U_ξ·V_ξ over a later block of the depth (C > KC only). */
function productsAdd(O: i32, T: i32, kc: i32, C: i32, ap: usize, bp: usize, c: usize): void {
  sliverProducts(O, T, kc, C, ap, bp, c, true);
}

/**
 * M[roundUp(O, MR) × T] (+)= U·V for one ξ and kc steps of the depth: the GEMM micro-kernel's
 * MR × NR register tile, specialised to the products. Every tile is whole (U's rows past O are
 * zero and M has room for them; T is whole panels), so there is no edge path, and no alpha,
 * bias or beta test in the write-back: with a depth as short as C = 16 those cost as much as
 * the tile's 16 steps (6–7% of a 16-channel layer, measured). U is packed with depth C
 * (slivers packedAOffset(MR, 0, C) apart), V in panels of C × NR. The step loop is left rolled:
 * unrolled by hand, V8 hoists all the loads of two steps and spills accumulators. gemm.ts's
 * `tile` called with literal MR, NR, alpha 1 and beta from these two functions folds to nearly
 * the same loop, but measured 5–10% slower on the 64-channel 8×8 forward pass, so the loop is
 * its own here.
 */
@inline function sliverProducts(
  O: i32, T: i32, kc: i32, C: i32, ap: usize, bp: usize, c: usize, accumulate: bool,
): void {
  const aStride = packedAOffset(MR, 0, C);
  const bStride = <usize>(C * NR) << 2;
  const ld = <usize>T << 2;
  const aStep = packedAOffset(0, 1, C);
  for (let j = 0; j < T; j += NR) {
    const bj = bp + <usize>(j / NR) * bStride;
    let ai = ap;
    let ci = c + (<usize>j << 2);
    for (let i = 0; i < O; i += MR) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      if (accumulate) {
        c00 = v128.load(ci); c01 = v128.load(ci, 16);
        c10 = v128.load(ci + ld); c11 = v128.load(ci + ld, 16);
        c20 = v128.load(ci + 2 * ld); c21 = v128.load(ci + 2 * ld, 16);
        c30 = v128.load(ci + 3 * ld); c31 = v128.load(ci + 3 * ld, 16);
      }
      let a = ai;
      let b = bj;
      for (let k = 0; k < kc; k++) {
        const b0 = v128.load(b);
        const b1 = v128.load(b, 16);
        let av = v128.load(a);
        c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
        av = v128.load(a, 16);
        c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
        av = v128.load(a, 32);
        c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
        av = v128.load(a, 48);
        c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
        a += aStep;
        b += NR << 2;
      }
      v128.store(ci, c00); v128.store(ci, c01, 16);
      v128.store(ci + ld, c10); v128.store(ci + ld, c11, 16);
      v128.store(ci + 2 * ld, c20); v128.store(ci + 2 * ld, c21, 16);
      v128.store(ci + 3 * ld, c30); v128.store(ci + 3 * ld, c31, 16);
      ai += aStride;
      ci += ld * MR;
    }
  }
}

/**
 * Transforms the input tiles of quad (tr, tg), every channel, into V: channel c goes to
 * dst + ξ·vXi + (c / cBlock)·blockBytes + (c % cBlock)·16 (forward: one channel per block, a
 * panel row apart; filter gradient: DOT_C channels side by side).
 */
@inline function inputQuad(
  m: i32,
  qr: i32,
  g: ConvShape,
  xw: usize,
  tr: i32,
  tg: i32,
  dst: usize,
  vXi: usize,
  cBlock: i32,
  blockBytes: usize,
  tbuf: usize,
): void {
  const a = m + 2;
  const rows = padRows(g, m);
  const width = padWidth(g, m);
  const rowBytes = <usize>width << 2;
  const phaseBytes = <usize>(rows * width) << 2;
  // The second tile row of a 2 × 2 quad starts m rows down.
  const down = <usize>m * rowBytes;
  for (let c = 0; c < g.C; c++) {
    const src = xw + <usize>(c * m) * phaseBytes + <usize>(tr * qr * m) * rowBytes + (<usize>(QUAD / qr * tg) << 2);
    // Rows: e[row][ξx] = (Bᵀ d_row)[ξx], into tbuf[row][ξx].
    for (let r = 0; r < a; r++) {
      const p = src + <usize>r * rowBytes;
      const e = tbuf + <usize>(r * a) * 16;
      if (m == 2) {
        // column q·2 + phase: (0,0) (1,0) (0,1) (1,1)
        inputTransform4(
          quadLoad(qr, p, down), quadLoad(qr, p + phaseBytes, down),
          quadLoad(qr, p + 4, down), quadLoad(qr, p + phaseBytes + 4, down),
          e, 16,
        );
      } else {
        inputTransform6(
          quadLoad(qr, p, down), quadLoad(qr, p + phaseBytes, down),
          quadLoad(qr, p + 2 * phaseBytes, down), quadLoad(qr, p + 3 * phaseBytes, down),
          quadLoad(qr, p + 4, down), quadLoad(qr, p + phaseBytes + 4, down),
          e, 16,
        );
      }
    }
    // Columns: V[ξy][ξx] = (Bᵀ e_·ξx)[ξy], to ξ = ξy·α + ξx.
    const vc = dst + <usize>(c / cBlock) * blockBytes + <usize>(c % cBlock) * 16;
    for (let col = 0; col < a; col++) {
      const e = tbuf + <usize>col * 16;
      const s = <usize>(a * 16);
      const out = vc + <usize>col * vXi;
      if (m == 2) {
        inputTransform4(v128.load(e), v128.load(e + s), v128.load(e + 2 * s), v128.load(e + 3 * s), out, 4 * vXi);
      } else {
        inputTransform6(
          v128.load(e), v128.load(e + s), v128.load(e + 2 * s),
          v128.load(e + 3 * s), v128.load(e + 4 * s), v128.load(e + 5 * s),
          out, 6 * vXi,
        );
      }
    }
  }
}

/**
 * The four tiles' values at p: four adjacent ones (a 1 × 4 quad), or two adjacent ones and the
 * two `down` bytes below (a 2 × 2 quad).
 */
@inline function quadLoad(qr: i32, p: usize, down: usize): v128 {
  if (qr == 1) return v128.load(p);
  return v128.load64_lane(p + down, v128.load64_zero(p), 1);
}

/**
 * Y = Aᵀ M A for one output channel of quad (tr, tg): M_ξ at src + ξ·mXi (4 tiles per vector),
 * Y (+ bias) written to the output plane yo, lanes interleaved back into pixel order; the
 * epilogue (relu.ts) adds the residual plane ro (0: none) and rectifies when `relu`.
 */
@inline function outputQuad(
  m: i32,
  qr: i32,
  g: ConvShape,
  src: usize,
  mXi: usize,
  bias: f32,
  yo: usize,
  ro: usize,
  relu: bool,
  tr: i32,
  tg: i32,
  tbuf: usize,
): void {
  const a = m + 2;
  // Rows: z[ξy][x] = (Aᵀ M_ξy,·)[x], into tbuf[ξy][x].
  for (let r = 0; r < a; r++) {
    const p = src + <usize>(r * a) * mXi;
    const z = tbuf + <usize>(r * m) * 16;
    if (m == 2) {
      outputTransform4(v128.load(p), v128.load(p + mXi), v128.load(p + 2 * mXi), v128.load(p + 3 * mXi), z, 16);
    } else {
      outputTransform6(
        v128.load(p), v128.load(p + mXi), v128.load(p + 2 * mXi),
        v128.load(p + 3 * mXi), v128.load(p + 4 * mXi), v128.load(p + 5 * mXi),
        z, 16,
      );
    }
  }
  // Columns: Y[yy][x] = (Aᵀ z_·x)[yy], into the second half of tbuf.
  const yt = tbuf + <usize>(a * a) * 16;
  for (let col = 0; col < m; col++) {
    const z = tbuf + <usize>col * 16;
    const s = <usize>(m * 16);
    if (m == 2) {
      outputTransform4(
        v128.load(z), v128.load(z + s), v128.load(z + 2 * s), v128.load(z + 3 * s),
        yt + <usize>col * 16, s,
      );
    } else {
      outputTransform6(
        v128.load(z), v128.load(z + s), v128.load(z + 2 * s),
        v128.load(z + 3 * s), v128.load(z + 4 * s), v128.load(z + 5 * s),
        yt + <usize>col * 16, s,
      );
    }
  }
  const bv = f32x4.splat(bias);
  const qc = QUAD / qr;
  const col0 = qc * tg * m;
  const Wo = g.Wo;
  // A whole quad row of pixels inside the image: vector stores; else pixel by pixel.
  const wide = col0 + qc * m <= Wo;
  for (let yy = 0; yy < m; yy++) {
    const row = tr * qr * m + yy;
    if (row >= g.Ho) break;
    const rowOff = <usize>(row * Wo + col0) << 2;
    const yr = yo + rowOff;
    const rr = ro ? ro + rowOff : 0;
    const t = yt + <usize>(yy * m) * 16;
    // Row yy of the second tile row of a 2 × 2 quad (lanes 2 and 3), when it exists.
    const below = qr == 2 && row + m < g.Ho;
    const downOff = <usize>(m * Wo) << 2;
    const yb = yr + downOff;
    const rb = rr ? rr + downOff : 0;
    if (wide && (qr == 1 || below)) {
      if (m == 2) {
        const v0 = f32x4.add(v128.load(t), bv);
        const v1 = f32x4.add(v128.load(t, 16), bv);
        v128.store(yr, epilogueVec(i32x4.shuffle(v0, v1, 0, 4, 1, 5), rr, relu));
        if (qr == 1) v128.store(yr, epilogueVec(i32x4.shuffle(v0, v1, 2, 6, 3, 7), rr ? rr + 16 : 0, relu), 16);
        else v128.store(yb, epilogueVec(i32x4.shuffle(v0, v1, 2, 6, 3, 7), rb, relu));
      } else {
        // 4×4 transpose: lane j of the four column vectors is tile j's row of 4 pixels.
        const v0 = f32x4.add(v128.load(t), bv);
        const v1 = f32x4.add(v128.load(t, 16), bv);
        const v2 = f32x4.add(v128.load(t, 32), bv);
        const v3 = f32x4.add(v128.load(t, 48), bv);
        const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
        v128.store(yr, epilogueVec(i32x4.shuffle(t0, t1, 0, 1, 4, 5), rr, relu));
        v128.store(yr, epilogueVec(i32x4.shuffle(t0, t1, 2, 3, 6, 7), rr ? rr + 16 : 0, relu), 16);
        if (qr == 1) {
          v128.store(yr, epilogueVec(i32x4.shuffle(t2, t3, 0, 1, 4, 5), rr ? rr + 32 : 0, relu), 32);
          v128.store(yr, epilogueVec(i32x4.shuffle(t2, t3, 2, 3, 6, 7), rr ? rr + 48 : 0, relu), 48);
        } else {
          v128.store(yb, epilogueVec(i32x4.shuffle(t2, t3, 0, 1, 4, 5), rb, relu));
          v128.store(yb, epilogueVec(i32x4.shuffle(t2, t3, 2, 3, 6, 7), rb ? rb + 16 : 0, relu), 16);
        }
      }
    } else {
      // The right or bottom edge: only the pixels inside the image.
      for (let j = 0; j < QUAD; j++) {
        const r = row + (j / qc) * m;
        if (r >= g.Ho) continue;
        const off = <usize>(r * Wo + col0 + (j % qc) * m) << 2;
        for (let xx = 0; xx < m; xx++) {
          if (col0 + (j % qc) * m + xx < Wo) {
            const v = load<f32>(t + <usize>(xx * 16 + j * 4)) + bias;
            store<f32>(at(yo + off, xx), epilogueScalar(v, ro ? at(ro + off, xx) : 0, relu));
          }
        }
      }
    }
  }
}

/** xw for image xn (phase-split.ts): the rows and columns the input tiles of g read. */
@inline function padInput(m: i32, g: ConvShape, xn: usize, xw: usize, line: usize): void {
  splitImage(m, g.C, g.H, g.W, g.pH, g.pW, padRows(g, m), padWidth(g, m), xn, xw, line);
}


// ---------------------------------------------------------------------------------------------
// Filter gradient
//
// The forward pass is Y = Aᵀ [Σ_c (G g Gᵀ) ⊙ (Bᵀ d B)] A, so its gradient with respect to the
// filter is dg = Gᵀ dU G with
//     dU_ξ[o, c] = Σ_tiles dM_ξ[o, tile] · V_ξ[c, tile],     dM = A dY Aᵀ,
// the same input transform V, and α² products whose depth is the tiles of every image. The sum
// over images is split into chunks fixed by the geometry alone; each chunk writes its own partial dU, and
// winogradFilterReduce adds them in chunk order, so the result does not depend on how chunks
// are spread over threads.
//
// The products run on a dot-product kernel: the lanes of V and dM are tiles (the depth), and a
// block of DOT_O × DOT_C (o, c) sums accumulates in registers. dM is stored in blocks of DOT_O
// channels, V in blocks of DOT_C, each quad of tiles holding its block's channels side by side
// ([block][quad][channel in block][4 tiles]), so that one step of the kernel reads 2 + 4 vectors
// at constant offsets from two pointers.

/** Channels per register block: 2 × 4 sums, 6 operands and a temporary fit V8's 15 SIMD registers. */
const DOT_O: i32 = 2;
const DOT_C: i32 = 4;
/** At most this many chunks of images (partial sums). */
const MAX_CHUNKS: i32 = 16;
/**
 * Quads per block of the filter gradient: the products' depth is the block's tiles, so blocks
 * are large (ideally a whole chunk); V and dM of a block stay within FILTER_BLOCK_BYTES.
 */
const FILTER_BLOCK_BYTES: i32 = 3 << 20;
/** Quads per step of dotBlock: the step's slice of every channel block stays in L1. */
const DOT_QUADS: i32 = 32;

/** Tiles a chunk should hold at least, so that its dot products are long enough to pay their ends. */
const CHUNK_TILES: i32 = 256;

/** At least this many chunks when the batch allows: units for the threads to share. */
const MIN_CHUNKS: i32 = 8;

/**
 * Images per chunk: at most MAX_CHUNKS chunks, each of at least CHUNK_TILES tiles (small images
 * have few) unless that would leave fewer than MIN_CHUNKS chunks. A function of the geometry
 * alone, never of the thread count.
 */
@inline function chunkImages(g: ConvShape, m: i32): i32 {
  const tiles = imageQuads(g, m) * QUAD;
  const forTiles = min((CHUNK_TILES + tiles - 1) / tiles, (g.N + MIN_CHUNKS - 1) / MIN_CHUNKS);
  return max(max(1, (g.N + MAX_CHUNKS - 1) / MAX_CHUNKS), forTiles);
}

/** m (2 or 4) when the filter gradient of this convolution runs on Winograd transforms, else 0. */
export function winogradFilterTile(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  if (g.kH != 3 || g.kW != 3 || g.sH != 1 || g.sW != 1 || g.C < 8 || g.O < 8 || g.Ho < 1 || g.Wo < 1) return 0;
  return tileOf(g);
}

/** Chunks of images, each with its own partial sums. */
export function winogradFilterChunks(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const per = chunkImages(g, tileOf(g));
  return (g.N + per - 1) / per;
}

/** Bytes of one chunk's partial dU: α² planes of O×C floats. */
export function winogradFilterPartialBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const a = tileOf(g) + 2;
  return <i32>bytes(a * a * g.O * g.C);
}

/** Rows and row length of one phase of the split output gradient (no padding, no halo). */
@inline function gradFloats(g: ConvShape, m: i32): i32 {
  return g.O * m * coveredRows(g, m) * padWidth(g, m);
}

@inline function filterBlockQuads(g: ConvShape, m: i32): i32 {
  const a = m + 2;
  const perQuad = a * a * (roundUp(g.C, DOT_C) + roundUp(g.O, DOT_O)) * QUAD * 4;
  const quads = imageQuads(g, m) * chunkImages(g, m);
  return max(1, min(quads, FILTER_BLOCK_BYTES / perQuad));
}

/**
 * Bytes of one channel block of `channels` channels over `quads` quads, plus a cache line so
 * that blocks read together do not fall into the same L1 sets (their sizes are powers of two).
 */
@inline function channelBlockBytes(channels: i32, quads: i32): usize {
  return <usize>(channels * quads) * 16 + 64;
}

/** Bytes of one ξ plane: the channel blocks of `rows` channels, plus a line of skew. */
@inline function blockPlaneBytes(rows: i32, channels: i32, quads: i32): usize {
  return <usize>(roundUp(rows, channels) / channels) * channelBlockBytes(channels, quads) + 64;
}

/** Floats of dotBlock's accumulators: DOT_O × DOT_C vectors per pair of channel blocks. */
@inline function accFloats(g: ConvShape): i32 {
  return (roundUp(g.O, DOT_O) / DOT_O) * (roundUp(g.C, DOT_C) / DOT_C) * DOT_O * DOT_C * 4;
}

export function winogradFilterScratchBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const m = tileOf(g);
  const a = m + 2;
  const bq = filterBlockQuads(g, m);
  return <i32>(bytes(imageFloats(g, m)) + bytes(gradFloats(g, m)) +
    <usize>(a * a) * (blockPlaneBytes(g.C, DOT_C, bq) + blockPlaneBytes(g.O, DOT_O, bq)) +
    bytes(4 * 2 * a * a) + bytes(lineFloats(g, m)) + bytes(accFloats(g)) + 64);
}

/** Partial dU of chunks [k0, k1) (each into partials + k·winogradFilterPartialBytes). */
export function conv2dWinogradFilter(
  gp: usize,
  x: usize,
  dy: usize,
  partials: usize,
  k0: i32,
  k1: i32,
  scratch: usize,
): void {
  const g = changetype<ConvShape>(gp);
  const m = tileOf(g);
  if (m == 4 && quadRows(g, 4) == 2) filterChunks4x2(g, x, dy, partials, k0, k1, scratch);
  else if (m == 4) filterChunks4x1(g, x, dy, partials, k0, k1, scratch);
  else if (quadRows(g, 2) == 2) filterChunks2x2(g, x, dy, partials, k0, k1, scratch);
  else filterChunks2x1(g, x, dy, partials, k0, k1, scratch);
}

/** One function per (m, quad rows), for the reason given at convolve4x2. */
function filterChunks4x2(g: ConvShape, x: usize, dy: usize, partials: usize, k0: i32, k1: i32, scratch: usize): void {
  filterChunks(4, 2, g, x, dy, partials, k0, k1, scratch);
}

function filterChunks4x1(g: ConvShape, x: usize, dy: usize, partials: usize, k0: i32, k1: i32, scratch: usize): void {
  filterChunks(4, 1, g, x, dy, partials, k0, k1, scratch);
}

function filterChunks2x2(g: ConvShape, x: usize, dy: usize, partials: usize, k0: i32, k1: i32, scratch: usize): void {
  filterChunks(2, 2, g, x, dy, partials, k0, k1, scratch);
}

function filterChunks2x1(g: ConvShape, x: usize, dy: usize, partials: usize, k0: i32, k1: i32, scratch: usize): void {
  filterChunks(2, 1, g, x, dy, partials, k0, k1, scratch);
}

@inline function filterChunks(
  m: i32, qr: i32, g: ConvShape, x: usize, dy: usize, partials: usize, k0: i32, k1: i32, scratch: usize,
): void {
  const a = m + 2;
  const C = g.C;
  const O = g.O;
  const qw = quadsWide(g, m);
  const perImage = imageQuads(g, m);
  const bq = filterBlockQuads(g, m);
  const per = chunkImages(g, m);
  const cBlock = channelBlockBytes(DOT_C, bq);
  const oBlock = channelBlockBytes(DOT_O, bq);
  const vXi = blockPlaneBytes(C, DOT_C, bq);
  const mXi = blockPlaneBytes(O, DOT_O, bq);
  const xw = align64(scratch);
  const dyw = xw + bytes(imageFloats(g, m));
  const v = dyw + bytes(gradFloats(g, m));
  const dm = v + <usize>(a * a) * vXi;
  const tbuf = dm + <usize>(a * a) * mXi;
  const line = tbuf + bytes(4 * 2 * a * a);
  const acc = line + bytes(lineFloats(g, m));
  const partBytes = bytes(a * a * O * C);
  const inBytes = <usize>(C * g.H * g.W) << 2;
  const outBytes = <usize>(O * g.Ho * g.Wo) << 2;
  // The channels that round C and O up to whole blocks stay zero.
  for (let xi = 0; xi < a * a; xi++) {
    for (let c = C; c < roundUp(C, DOT_C); c++) {
      const p = v + <usize>xi * vXi + <usize>(c / DOT_C) * cBlock + <usize>(c % DOT_C) * 16;
      for (let q = 0; q < bq; q++) v128.store(p + <usize>q * (DOT_C * 16), f32x4.splat(0));
    }
    for (let o = O; o < roundUp(O, DOT_O); o++) {
      const p = dm + <usize>xi * mXi + <usize>(o / DOT_O) * oBlock + <usize>(o % DOT_O) * 16;
      for (let q = 0; q < bq; q++) v128.store(p + <usize>q * (DOT_O * 16), f32x4.splat(0));
    }
  }
  for (let k = k0; k < k1; k++) {
    const part = partials + <usize>k * partBytes;
    memory.fill(part, 0, <usize>(a * a * O * C) << 2);
    let filled = 0;
    for (let n = k * per; n < min(g.N, (k + 1) * per); n++) {
      padInput(m, g, x + <usize>n * inBytes, xw, line);
      splitImage(m, O, g.Ho, g.Wo, 0, 0, coveredRows(g, m), padWidth(g, m), dy + <usize>n * outBytes, dyw, line);
      for (let q = 0; q < perImage; q++) {
        const tr = q / qw;
        const tg = q % qw;
        inputQuad(m, qr, g, xw, tr, tg, v + <usize>filled * (DOT_C * 16), vXi, DOT_C, cBlock, tbuf);
        gradQuad(m, qr, g, dyw, tr, tg, dm + <usize>filled * (DOT_O * 16), mXi, oBlock, tbuf);
        if (++filled == bq) {
          for (let xi = 0; xi < a * a; xi++) {
            const out = part + (<usize>(xi * O * C) << 2);
            dotBlock(dm + <usize>xi * mXi, oBlock, v + <usize>xi * vXi, cBlock, O, C, filled, out, acc);
          }
          filled = 0;
        }
      }
    }
    if (filled > 0) {
      for (let xi = 0; xi < a * a; xi++) {
        const out = part + (<usize>(xi * O * C) << 2);
        dotBlock(dm + <usize>xi * mXi, oBlock, v + <usize>xi * vXi, cBlock, O, C, filled, out, acc);
      }
    }
  }
}

/** A d for F(2×2, 3×3): two output-gradient values to the four points. */
@inline function gradTransform4(d0: v128, d1: v128, dst: usize, ds: usize): void {
  v128.store(dst, d0);
  v128.store(dst + ds, f32x4.add(d0, d1));
  v128.store(dst + 2 * ds, f32x4.sub(d0, d1));
  v128.store(dst + 3 * ds, f32x4.neg(d1));
}

/** A d for F(4×4, 3×3): four output-gradient values to the six points. */
@inline function gradTransform6(d0: v128, d1: v128, d2: v128, d3: v128, dst: usize, ds: usize): void {
  const s02 = f32x4.add(d0, d2);
  const s13 = f32x4.add(d1, d3);
  const e02 = f32x4.add(d0, f32x4.mul(f32x4.splat(4), d2));
  const e13 = f32x4.add(f32x4.add(d1, d1), f32x4.mul(f32x4.splat(8), d3));
  v128.store(dst, d0);
  v128.store(dst + ds, f32x4.add(s02, s13));
  v128.store(dst + 2 * ds, f32x4.sub(s02, s13));
  v128.store(dst + 3 * ds, f32x4.add(e02, e13));
  v128.store(dst + 4 * ds, f32x4.sub(e02, e13));
  v128.store(dst + 5 * ds, d3);
}

/**
 * dM = A dY Aᵀ of quad (tr, tg) for every output channel, into dst + ξ·mXi + (o / DOT_O)·oBlock
 * + (o % DOT_O)·16 (from the split gradient dyw[o][phase][row][i] = dy[o][row][i·m + phase],
 * 0 past the plane).
 */
@inline function gradQuad(
  m: i32,
  qr: i32,
  g: ConvShape,
  dyw: usize,
  tr: i32,
  tg: i32,
  dst: usize,
  mXi: usize,
  oBlock: usize,
  tbuf: usize,
): void {
  const a = m + 2;
  const width = padWidth(g, m);
  const rowB = <usize>width << 2;
  const phaseBytes = <usize>(coveredRows(g, m) * width) << 2;
  const down = <usize>m * rowB;
  for (let o = 0; o < g.O; o++) {
    const src = dyw + <usize>(o * m) * phaseBytes + <usize>(tr * qr * m) * rowB + (<usize>(QUAD / qr * tg) << 2);
    // Rows: e[y][ξx] = (A dY_y,·)[ξx].
    for (let y = 0; y < m; y++) {
      const p = src + <usize>y * rowB;
      const e = tbuf + <usize>(y * a) * 16;
      if (m == 2) {
        gradTransform4(quadLoad(qr, p, down), quadLoad(qr, p + phaseBytes, down), e, 16);
      } else {
        gradTransform6(
          quadLoad(qr, p, down), quadLoad(qr, p + phaseBytes, down),
          quadLoad(qr, p + 2 * phaseBytes, down), quadLoad(qr, p + 3 * phaseBytes, down),
          e, 16,
        );
      }
    }
    // Columns: dM[ξy][ξx] = (A e_·ξx)[ξy].
    const out = dst + <usize>(o / DOT_O) * oBlock + <usize>(o % DOT_O) * 16;
    for (let col = 0; col < a; col++) {
      const e = tbuf + <usize>col * 16;
      const s = <usize>(a * 16);
      if (m == 2) {
        gradTransform4(v128.load(e), v128.load(e + s), out + <usize>col * mXi, <usize>a * mXi);
      } else {
        gradTransform6(
          v128.load(e), v128.load(e + s), v128.load(e + 2 * s), v128.load(e + 3 * s),
          out + <usize>col * mXi, <usize>a * mXi,
        );
      }
    }
  }
}

/**
 * out[o][c] += Σ_t dM[o][t] · V[c][t] over `quads` quads of tiles, for o < O, c < C (channel
 * blocks beyond them present and zero). A DOT_O × DOT_C block of sums lives in eight vector
 * accumulators, parked in `acc` between steps of DOT_QUADS quads; lanes are added at the end.
 */
@inline function dotBlock(
  dm: usize,
  oBlock: usize,
  v: usize,
  cBlock: usize,
  O: i32,
  C: i32,
  quads: i32,
  out: usize,
  acc: usize,
): void {
  const ob = roundUp(O, DOT_O) / DOT_O;
  const cb = roundUp(C, DOT_C) / DOT_C;
  for (let i = 0; i < ob * cb * DOT_O * DOT_C; i++) v128.store(acc + (<usize>i << 4), f32x4.splat(0));
  for (let q0 = 0; q0 < quads; q0 += DOT_QUADS) {
    const steps = min(DOT_QUADS, quads - q0);
    let blk = acc;
    for (let i = 0; i < ob; i++) {
      const pa0 = dm + <usize>i * oBlock + <usize>q0 * (DOT_O * 16);
      for (let j = 0; j < cb; j++) {
        let pa = pa0;
        let pb = v + <usize>j * cBlock + <usize>q0 * (DOT_C * 16);
        let s00 = v128.load(blk), s01 = v128.load(blk, 16), s02 = v128.load(blk, 32), s03 = v128.load(blk, 48);
        let s10 = v128.load(blk, 64), s11 = v128.load(blk, 80), s12 = v128.load(blk, 96), s13 = v128.load(blk, 112);
        const end = pa + <usize>steps * (DOT_O * 16);
        while (pa < end) {
          const x0 = v128.load(pa);
          const x1 = v128.load(pa, 16);
          const y0 = v128.load(pb);
          const y1 = v128.load(pb, 16);
          const y2 = v128.load(pb, 32);
          const y3 = v128.load(pb, 48);
          s00 = madd(x0, y0, s00);
          s01 = madd(x0, y1, s01);
          s02 = madd(x0, y2, s02);
          s03 = madd(x0, y3, s03);
          s10 = madd(x1, y0, s10);
          s11 = madd(x1, y1, s11);
          s12 = madd(x1, y2, s12);
          s13 = madd(x1, y3, s13);
          pa += DOT_O * 16;
          pb += DOT_C * 16;
        }
        v128.store(blk, s00); v128.store(blk, s01, 16); v128.store(blk, s02, 32); v128.store(blk, s03, 48);
        v128.store(blk, s10, 64); v128.store(blk, s11, 80); v128.store(blk, s12, 96); v128.store(blk, s13, 112);
        blk += DOT_O * DOT_C * 16;
      }
    }
  }
  let blk = acc;
  for (let i = 0; i < ob; i++) {
    for (let j = 0; j < cb; j++) {
      for (let r = 0; r < DOT_O; r++) {
        const o = i * DOT_O + r;
        const row = blk + <usize>(r * DOT_C) * 16;
        if (o < O && (j + 1) * DOT_C <= C) {
          addSums4(
            at(out, o * C + j * DOT_C),
            v128.load(row), v128.load(row, 16), v128.load(row, 32), v128.load(row, 48),
          );
        } else {
          for (let c = 0; c < DOT_C; c++) addSum(out, O, C, o, j * DOT_C + c, v128.load(row + <usize>(c << 4)));
        }
      }
      blk += DOT_O * DOT_C * 16;
    }
  }
}

/**
 * p[k] += hsum(s_k) for four adjacent sums at once: a 4×4 transpose puts lane l of every s_k in
 * vector l, and ((t0 + t1) + t2) + t3 adds the lanes in hsum's order, so the results are bit for
 * bit those of addSum (which costs three extracts, three adds and a scalar load/store per sum).
 */
@inline function addSums4(p: usize, s0: v128, s1: v128, s2: v128, s3: v128): void {
  const a = i32x4.shuffle(s0, s1, 0, 4, 1, 5);
  const b = i32x4.shuffle(s2, s3, 0, 4, 1, 5);
  const c = i32x4.shuffle(s0, s1, 2, 6, 3, 7);
  const d = i32x4.shuffle(s2, s3, 2, 6, 3, 7);
  const t0 = i32x4.shuffle(a, b, 0, 1, 4, 5);
  const t1 = i32x4.shuffle(a, b, 2, 3, 6, 7);
  const t2 = i32x4.shuffle(c, d, 0, 1, 4, 5);
  const t3 = i32x4.shuffle(c, d, 2, 3, 6, 7);
  v128.store(p, f32x4.add(v128.load(p), f32x4.add(f32x4.add(f32x4.add(t0, t1), t2), t3)));
}

/** out[o][c] += the lanes of s, inside the O×C matrix. */
@inline function addSum(out: usize, O: i32, C: i32, o: i32, c: i32, s: v128): void {
  if (o < O && c < C) {
    const p = at(out, o * C + c);
    store<f32>(p, load<f32>(p) + hsum(s));
  }
}

/** Scratch of winogradFilterReduce: dU of one output channel (α² × C, C rounded up to 4). */
export function winogradFilterReduceScratchBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const a = tileOf(g) + 2;
  return <i32>(bytes(a * a * roundUp(g.C, 4)) + bytes(a * 3 * 4 + 9 * 4) + 64);
}

/**
 * dW[o] (+)= Gᵀ dU G for output channels [o0, o1): dU_ξ[o][c] = the chunks' partial sums added
 * in chunk order, then the back-transform four input channels at a time (one per lane).
 */
export function winogradFilterReduce(
  gp: usize, partials: usize, chunks: i32, dw: usize, accumulate: bool, o0: i32, o1: i32, scratch: usize,
): void {
  const g = changetype<ConvShape>(gp);
  if (tileOf(g) == 4) reduceFilter(4, g, partials, chunks, dw, accumulate, o0, o1, scratch);
  else reduceFilter(2, g, partials, chunks, dw, accumulate, o0, o1, scratch);
}

/** (Gᵀu)_0..2 for F(2×2): the weight gradient's 1-D back-transform of four points. */
@inline function backTransform4(u0: v128, u1: v128, u2: v128, u3: v128, dst: usize, ds: usize): void {
  const half = f32x4.splat(0.5);
  const s = f32x4.mul(f32x4.add(u1, u2), half);
  v128.store(dst, f32x4.add(u0, s));
  v128.store(dst + ds, f32x4.mul(f32x4.sub(u1, u2), half));
  v128.store(dst + 2 * ds, f32x4.add(s, u3));
}

/** (Gᵀu)_0..2 for F(4×4): six points back to three taps. */
@inline function backTransform6(
  u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, dst: usize, ds: usize,
): void {
  const sixth = f32x4.splat(<f32>(1.0 / 6));
  const s12 = f32x4.mul(f32x4.add(u1, u2), sixth);
  const s34 = f32x4.add(u3, u4);
  v128.store(
    dst,
    f32x4.add(f32x4.sub(f32x4.mul(u0, f32x4.splat(0.25)), s12), f32x4.mul(s34, f32x4.splat(<f32>(1.0 / 24)))),
  );
  v128.store(
    dst + ds,
    f32x4.add(f32x4.mul(f32x4.sub(u2, u1), sixth), f32x4.mul(f32x4.sub(u3, u4), f32x4.splat(<f32>(1.0 / 12)))),
  );
  v128.store(dst + 2 * ds, f32x4.add(f32x4.sub(f32x4.mul(s34, sixth), s12), u5));
}

@inline function reduceFilter(
  m: i32, g: ConvShape, partials: usize, chunks: i32, dw: usize, accumulate: bool, o0: i32, o1: i32, scratch: usize,
): void {
  const a = m + 2;
  const O = g.O;
  const C = g.C;
  const Cr = roundUp(C, 4);
  const partBytes = bytes(a * a * O * C);
  const du = align64(scratch);
  const r = du + bytes(a * a * Cr);
  const duXi = <usize>Cr << 2;
  for (let o = o0; o < o1; o++) {
    // dU[ξ][c] = Σ_k partial_k[ξ][o][c], chunks in order.
    for (let xi = 0; xi < a * a; xi++) {
      const src = at(partials, (xi * O + o) * C);
      const dst = du + <usize>xi * duXi;
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        let sum = v128.load(at(src, c));
        for (let k = 1; k < chunks; k++) sum = f32x4.add(sum, v128.load(at(src, c) + <usize>k * partBytes));
        v128.store(at(dst, c), sum);
      }
      for (; c < Cr; c++) {
        let sum: f32 = 0;
        if (c < C) for (let k = 0; k < chunks; k++) sum += load<f32>(at(src, c) + <usize>k * partBytes);
        store<f32>(at(dst, c), sum);
      }
    }
    for (let c = 0; c < C; c += 4) {
      // Rows: r[ξy][j] = (Gᵀ dU[ξy][·])_j, then columns: dW[i][j] = (Gᵀ r[·][j])_i.
      for (let y = 0; y < a; y++) {
        const p = du + <usize>(y * a) * duXi + (<usize>c << 2);
        const d = r + <usize>(y * 3) * 16;
        if (m == 2) {
          backTransform4(v128.load(p), v128.load(p + duXi), v128.load(p + 2 * duXi), v128.load(p + 3 * duXi), d, 16);
        } else {
          backTransform6(
            v128.load(p), v128.load(p + duXi), v128.load(p + 2 * duXi),
            v128.load(p + 3 * duXi), v128.load(p + 4 * duXi), v128.load(p + 5 * duXi),
            d, 16,
          );
        }
      }
      const taps = r + <usize>(a * 3) * 16;
      for (let j = 0; j < 3; j++) {
        const p = r + <usize>j * 16;
        const s = <usize>48;
        if (m == 2) {
          backTransform4(
            v128.load(p), v128.load(p + s), v128.load(p + 2 * s), v128.load(p + 3 * s),
            taps + <usize>j * 16, 48,
          );
        } else {
          backTransform6(
            v128.load(p), v128.load(p + s), v128.load(p + 2 * s),
            v128.load(p + 3 * s), v128.load(p + 4 * s), v128.load(p + 5 * s),
            taps + <usize>j * 16, 48,
          );
        }
      }
      // taps[i][j] holds four channels: write each channel's 3×3 filter.
      for (let lane = 0; lane < 4 && c + lane < C; lane++) {
        const f = at(dw, (o * C + c + lane) * 9);
        for (let k = 0; k < 9; k++) {
          const v = load<f32>(taps + <usize>(k * 16 + lane * 4));
          const q = at(f, k);
          store<f32>(q, accumulate ? load<f32>(q) + v : v);
        }
      }
    }
  }
}
