/**
 * 2-D convolution (NCHW, weights [O, C, kH, kW]) as matrix products over the im2col matrix,
 * mostly without ever building it.
 *
 * The im2col matrix of one image has K = C·kH·kW rows (one per tap of a filter) and P = Ho·Wo
 * columns (one per output pixel): col[(c, ki, kj), (oh, ow)] = x[c, oh·sH − pH + ki,
 * ow·sW − pW + kj], or 0 in the padding. Then
 *   forward          y_n[O×P]  = W[O×K] · col_n                    (+ bias)
 *   backward data    dx_n      = col2im(Wᵀ[K×O] · dy_n[O×P])
 *   backward filter  dW[O×K]  += dy_n[O×P] · col_nᵀ               summed over images
 *
 * Direct kernels read col in place. Each image is first copied into a padded, column-phase-
 * split buffer xp[c][phase][row][i] = x[c, row − pH, i·sW + phase − pW] (0 in the padding), in
 * which NR horizontally adjacent output pixels read NR adjacent values for every tap, whatever
 * the stride. A table of per-tap byte offsets then lets the micro-kernel take step k of B (or
 * of A, for the filter gradient) straight from xp (gemm.ts: indirect operands). This costs one
 * copy of the input instead of a kH·kW times larger im2col matrix.
 *   forward          W packed as A, xp as indirect B, NR pixels of one output row per tile
 *   backward data    stride 1: the forward kernel on dy with the flipped, transposed filter
 *                    (a "full" convolution, pad' = k − 1 − pad); other strides: a GEMM into
 *                    a block of col, then col2im
 *   backward filter  xp as indirect A (rows = taps), dyᵀ packed as B, depth = output pixels;
 *                    accumulated as dWᵀ per chunk of images, the chunks' partial sums added
 *                    in chunk order and transposed into dW at the end
 *
 * Units of parallel work: images [n0, n1) for forward and backward data (each image writes its
 * own output), chunks of images [c0, c1) for backward filter (each chunk writes its own partial
 * sum; the chunks are fixed by N, so the sum does not depend on the threads), then output
 * channels for the reduction. Each range gets its own `scratch`.
 */

import {
  KC, MC, MR, NR, depthBlock, gemmPacked, microKernelIndirectA, microKernelIndirectB, packA, packB, packedABytes,
  packedAOffset,
} from './gemm';
import { ConvShape, transposedOf } from './conv-shape';
import { splitImage, splitLineFloats } from './phase-split';
import { epilogueScalar, epilogueVec } from './relu';
import { align64, at, roundUp, sumRun } from './util';

/** Bytes of col (K × columns) one block of the strided backward-data pass may use. */
const COL_BYTES: i32 = 256 << 10;

/** Bytes, rounded up to whole cache lines, of `floats` f32 values. */
@inline function bytes(floats: i32): usize {
  return (<usize>floats << 2) + 63 & ~(<usize>63);
}

// ---------------------------------------------------------------------------------------------
// The padded, phase-split image and the tap offsets into it

/** Rows of xp: the padded height. */
@inline function paddedRows(g: ConvShape): i32 {
  return g.H + 2 * g.pH;
}

/**
 * Values per row of one phase of xp: every column a window reads, plus NR of slack so that the
 * last (partial) tile of an output row may load NR values without leaving the row's storage,
 * in whole groups of 4 (padImage writes four at a time).
 */
@inline function phaseWidth(g: ConvShape): i32 {
  return roundUp(max((g.W + 2 * g.pW + g.sW - 1) / g.sW, g.Wo + (g.kW - 1) / g.sW) + NR, 4);
}

@inline function paddedFloats(g: ConvShape): i32 {
  return g.C * g.sW * paddedRows(g) * phaseWidth(g);
}

/** Floats of the line padImage splits each input row in. */
@inline function lineFloats(g: ConvShape): i32 {
  return splitLineFloats(g.sW, phaseWidth(g));
}

/** xp[c][phase][r][i] = x[c][r − pH][i·sW + phase − pW], 0 outside the image (phase-split.ts). */
function padImage(g: ConvShape, xn: usize, xp: usize, line: usize): void {
  if (g.sW == 1) padImage1(g, xn, xp, line);
  else if (g.sW == 2) padImage2(g, xn, xp, line);
  else splitImage(g.sW, g.C, g.H, g.W, g.pH, g.pW, paddedRows(g), phaseWidth(g), xn, xp, line);
}

/*
 * The common strides as literals, so that the split folds to a copy or to shuffles; one
 * function each, because Binaryen merges if-arms that differ only in a constant argument of the
 * same inlined code into one body with the constant chosen at run time (winograd.ts, convolve4x2).
 */
function padImage1(g: ConvShape, xn: usize, xp: usize, line: usize): void {
  splitImage(1, g.C, g.H, g.W, g.pH, g.pW, paddedRows(g), phaseWidth(g), xn, xp, line);
}

function padImage2(g: ConvShape, xn: usize, xp: usize, line: usize): void {
  splitImage(2, g.C, g.H, g.W, g.pH, g.pW, paddedRows(g), phaseWidth(g), xn, xp, line);
}

/**
 * off[k] = byte offset in xp of tap k = (c, ki, kj) for output pixel (0, 0): pixel (oh, ow)
 * reads it at off[k] + (oh·sH·Wq + ow)·4. The table has MR extra zero entries so that a tile
 * of MR taps starting anywhere below K reads valid offsets.
 */
function tapOffsets(g: ConvShape, off: usize): void {
  const Hp = paddedRows(g);
  const Wq = phaseWidth(g);
  const sW = g.sW;
  let k = 0;
  for (let c = 0; c < g.C; c++) {
    for (let ki = 0; ki < g.kH; ki++) {
      for (let kj = 0; kj < g.kW; kj++) {
        store<i32>(off + (<usize>k << 2), (((c * sW + kj % sW) * Hp + ki) * Wq + kj / sW) << 2);
        k++;
      }
    }
  }
  for (let i = 0; i < MR; i++) store<i32>(off + (<usize>(k + i) << 2), 0);
}

/** Scratch of the direct convolution (convImages): xp, the tap offsets, an edge tile, padImage's line. */
@inline function directBytes(g: ConvShape): usize {
  return bytes(paddedFloats(g)) + bytes(g.C * g.kH * g.kW + MR) + bytes(MR * NR) + bytes(lineFloats(g));
}

/**
 * y_n[O × P] = W·col(xp) (+ bias) for one image already in xp: NR pixels of one output row at a
 * time, every MR-channel sliver of the packed weights `wp` (full depth K) against them.
 */
function convImage(g: ConvShape, xp: usize, off: usize, wp: usize, bias: usize, yn: usize, tmp: usize): void {
  const O = g.O;
  const K = g.C * g.kH * g.kW;
  const Wo = g.Wo;
  const P = g.Ho * Wo;
  const Wq = phaseWidth(g);
  const depth = depthBlock(K);
  for (let pc = 0; pc < K; pc += depth) {
    const kc = min(depth, K - pc);
    const first = pc == 0;
    const offK = off + (<usize>pc << 2);
    for (let oh = 0; oh < g.Ho; oh++) {
      const row = xp + (<usize>(oh * g.sH * Wq) << 2);
      for (let ow = 0; ow < Wo; ow += NR) {
        const nr = min(NR, Wo - ow);
        const cp = at(yn, oh * Wo + ow);
        for (let o = 0; o < O; o += MR) {
          microKernelIndirectB(
            kc, wp + packedAOffset(o, pc, K), at(row, ow), offK,
            at(cp, o * P), P, min(MR, O - o), nr, 1, first ? 0 : 1, first && bias ? at(bias, o) : 0, tmp,
          );
        }
      }
    }
  }
}

/**
 * The convolution epilogue over y[from, to) (floats): + residual[from, to) (res 0: none), then
 * the ReLU when `relu`. The direct path applies it to each image right after computing it,
 * while the image is still in cache.
 */
export function convEpilogue(y: usize, res: usize, relu: bool, from: i32, to: i32): void {
  if (!res && !relu) return;
  let i = from;
  for (; i + 4 <= to; i += 4) v128.store(at(y, i), epilogueVec(v128.load(at(y, i)), res ? at(res, i) : 0, relu));
  for (; i < to; i++) store<f32>(at(y, i), epilogueScalar(load<f32>(at(y, i)), res ? at(res, i) : 0, relu));
}

/** Runs convImage (then the epilogue) over images [n0, n1) of x into y; `wp` holds the packed weights. */
function convImages(
  g: ConvShape, x: usize, wp: usize, bias: usize, y: usize, res: usize, relu: bool, n0: i32, n1: i32, work: usize,
): void {
  const xp = work;
  const off = xp + bytes(paddedFloats(g));
  const tmp = off + bytes(g.C * g.kH * g.kW + MR);
  const line = tmp + bytes(MR * NR);
  tapOffsets(g, off);
  const inBytes = <usize>(g.C * g.H * g.W) << 2;
  const outBytes = <usize>(g.O * g.Ho * g.Wo) << 2;
  const perImage = g.O * g.Ho * g.Wo;
  for (let n = n0; n < n1; n++) {
    padImage(g, x + <usize>n * inBytes, xp, line);
    convImage(g, xp, off, wp, bias, y + <usize>n * outBytes, tmp);
    convEpilogue(y, res, relu, n * perImage, (n + 1) * perImage);
  }
}

// ---------------------------------------------------------------------------------------------
// Forward

/** Scratch bytes for one range of conv2d: packed W, then the direct convolution's buffers. */
export function conv2dScratchBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  return <i32>(packedABytes(g.O, g.C * g.kH * g.kW) + directBytes(g) + 64);
}

/**
 * y[n] = W ⋆ x[n] + bias for images [n0, n1), then + residual[n] and ReLU (convEpilogue).
 * `bias` and `res` may be 0.
 */
export function conv2d(
  gp: usize, x: usize, w: usize, bias: usize, y: usize, res: usize, relu: bool, n0: i32, n1: i32, scratch: usize,
): void {
  const g = changetype<ConvShape>(gp);
  const K = g.C * g.kH * g.kW;
  const wp = align64(scratch);
  // All of W as MR-row slivers over the full depth K; each depth block is then a sub-range.
  packA(w, K, 1, g.O, K, wp);
  convImages(g, x, wp, bias, y, res, relu, n0, n1, wp + packedABytes(g.O, K));
}

// ---------------------------------------------------------------------------------------------
// Backward data

/** Whether dx is a stride-1 "full" convolution of dy (the direct path). */
@inline function backwardDataIsDirect(g: ConvShape): bool {
  return g.sH == 1 && g.sW == 1 && g.pH < g.kH && g.pW < g.kW;
}

/** Columns per block of the strided path, so that K × block floats stay within COL_BYTES. */
@inline function colBlock(K: i32, P: i32): i32 {
  const fit = max(NR, (COL_BYTES >> 2) / max(K, 1) / NR * NR);
  return min(fit, roundUp(P, NR));
}

/** Bytes of the flipped filter (C·O·kH·kW floats) and of its packing (C rows, depth O·kH·kW). */
@inline function flippedBytes(g: ConvShape): usize {
  return bytes(g.C * g.O * g.kH * g.kW);
}

@inline function flippedPackedBytes(g: ConvShape): usize {
  return packedABytes(g.C, g.O * g.kH * g.kW);
}

export function conv2dBackwardDataScratchBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const K = g.C * g.kH * g.kW;
  if (backwardDataIsDirect(g)) {
    // The flipped filter, its packing, then the direct convolution's buffers.
    return <i32>(flippedBytes(g) + flippedPackedBytes(g) + directBytes(transposedOf(gp)) + 64);
  }
  const cb = colBlock(K, g.Ho * g.Wo);
  return <i32>(packedABytes(K, g.O) + bytes(KC * cb) + bytes(K * cb) + bytes(MR * NR) + 64);
}

/**
 * Adds col2im(col) into image dxn: col holds rows [0, K) × columns [p0, p0 + np) of the im2col
 * matrix (row stride ld); each value goes back to the input pixel it was read from, padding
 * ignored. The walk goes row of col by output row, with no division per segment (they cost
 * more than the adds); unit-stride and stride-2 runs move four values at a time.
 */
function col2imAdd(g: ConvShape, col: usize, ld: i32, p0: i32, np: i32, dxn: usize): void {
  const H = g.H;
  const W = g.W;
  const kW = g.kW;
  const Wo = g.Wo;
  const sW = g.sW;
  const oh0 = p0 / Wo;
  const ow0 = p0 - oh0 * Wo;
  let c = 0;
  let ki = 0;
  let kj = 0;
  const K = g.C * g.kH * kW;
  for (let t = 0; t < K; t++) {
    const plane = xnPlane(dxn, c, H, W);
    const crow = at(col, t * ld);
    // Positions s of a run starting at output column 0 that land inside the row.
    const iwStart = kj - g.pW;
    const lo0 = runStart(iwStart, sW);
    const hi0 = runEnd(iwStart, sW, W);
    let q = 0;
    let oh = oh0;
    let ow = ow0;
    while (q < np) {
      const seg = min(Wo - ow, np - q);
      const ih = oh * g.sH - g.pH + ki;
      if (<u32>ih < <u32>H) {
        const iw0 = ow * sW + iwStart;
        const lo = min(seg, ow == 0 ? lo0 : runStart(iw0, sW));
        const hi = max(lo, min(seg, ow == 0 ? hi0 : runEnd(iw0, sW, W)));
        scatterRun(at(plane, ih * W), iw0, sW, at(crow, q), lo, hi, W);
      }
      q += seg;
      oh++;
      ow = 0;
    }
    if (++kj == kW) {
      kj = 0;
      if (++ki == g.kH) {
        ki = 0;
        c++;
      }
    }
  }
}

/** First s ≥ 0 with iw0 + s·sW ≥ 0. */
@inline function runStart(iw0: i32, sW: i32): i32 {
  return iw0 >= 0 ? 0 : (sW - 1 - iw0) / sW;
}

/** First s with iw0 + s·sW ≥ W. */
@inline function runEnd(iw0: i32, sW: i32, W: i32): i32 {
  return max(0, (W - iw0 + sW - 1) / sW);
}

/** row[iw0 + s·sW] += src[s] for s in [lo, hi) (all inside the row). */
@inline function scatterRun(row: usize, iw0: i32, sW: i32, src: usize, lo: i32, hi: i32, W: i32): void {
  let s = lo;
  if (sW == 1) {
    for (; s + 4 <= hi; s += 4) {
      const xp = at(row, iw0 + s);
      v128.store(xp, f32x4.add(v128.load(xp), v128.load(at(src, s))));
    }
  } else if (sW == 2) {
    // Four values to every other pixel: add them interleaved with zeros (iw + 8 ≤ W keeps the
    // two vectors inside the row).
    const zero = f32x4.splat(0);
    for (; s + 4 <= hi && iw0 + 2 * s + 8 <= W; s += 4) {
      const v = v128.load(at(src, s));
      const xp = at(row, iw0 + 2 * s);
      v128.store(xp, f32x4.add(v128.load(xp), i32x4.shuffle(v, zero, 0, 4, 1, 4)));
      v128.store(xp, f32x4.add(v128.load(xp, 16), i32x4.shuffle(v, zero, 2, 4, 3, 4)), 16);
    }
  }
  for (; s < hi; s++) {
    const xp = at(row, iw0 + s * sW);
    store<f32>(xp, load<f32>(xp) + load<f32>(at(src, s)));
  }
}

@inline function xnPlane(xn: usize, c: i32, H: i32, W: i32): usize {
  return xn + (<usize>(c * H * W) << 2);
}

/** dx[n] = gradient of conv2d w.r.t. its input, for images [n0, n1). */
export function conv2dBackwardData(gp: usize, dy: usize, w: usize, dx: usize, n0: i32, n1: i32, scratch: usize): void {
  const g = changetype<ConvShape>(gp);
  const O = g.O;
  const C = g.C;
  const kk = g.kH * g.kW;
  const K = C * kk;
  if (backwardDataIsDirect(g)) {
    const t = transposedOf(gp);
    // wf[c][o][ki][kj] = w[o][c][kH−1−ki][kW−1−kj]: the filter of the transposed convolution.
    const wf = align64(scratch);
    for (let o = 0; o < O; o++) {
      for (let c = 0; c < C; c++) {
        for (let k = 0; k < kk; k++) {
          store<f32>(at(wf, (c * O + o) * kk + k), load<f32>(at(w, (o * C + c) * kk + (kk - 1 - k))));
        }
      }
    }
    const Kt = O * kk;
    const wp = wf + flippedBytes(g);
    packA(wf, Kt, 1, C, Kt, wp);
    convImages(t, dy, wp, 0, dx, 0, false, n0, n1, wp + flippedPackedBytes(g));
    return;
  }
  // Strided: col = Wᵀ·dy one block of columns at a time, then col2im.
  const P = g.Ho * g.Wo;
  const cb = colBlock(K, P);
  const wtp = align64(scratch);
  const bp = wtp + packedABytes(K, O);
  const col = bp + bytes(KC * cb);
  const tmp = col + bytes(K * cb);
  // Element (k, o) of Wᵀ is w[o·K + k]: row stride 1, column stride K.
  packA(w, 1, K, K, O, wtp);
  const imageBytes = <usize>(C * g.H * g.W) << 2;
  for (let n = n0; n < n1; n++) {
    const dyn = dy + (<usize>(n * O * P) << 2);
    const dxn = dx + <usize>n * imageBytes;
    memory.fill(dxn, 0, imageBytes);
    for (let jc = 0; jc < P; jc += cb) {
      const nc = min(cb, P - jc);
      const depth = depthBlock(O);
      for (let pc = 0; pc < O; pc += depth) {
        const kc = min(depth, O - pc);
        packB(at(dyn, pc * P + jc), P, 1, kc, nc, bp);
        for (let ic = 0; ic < K; ic += MC) {
          gemmPacked(
            min(MC, K - ic), nc, kc, wtp + packedAOffset(ic, pc, O), packedAOffset(MR, 0, O),
            bp, <usize>(kc * NR) << 2, at(col, ic * nc), nc, 1, pc == 0 ? 0 : 1, 0, tmp,
          );
        }
      }
      col2imAdd(g, col, nc, jc, nc, dxn);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Backward filter

/**
 * The sum over images is split into chunks fixed by N alone: each chunk writes its own partial
 * dWᵀ and conv2dBackwardFilterReduce adds them in chunk order, so the result does not depend
 * on how the chunks are spread over threads, and every image is padded (and its dy packed)
 * once, whatever the number of threads.
 */
const FILTER_CHUNKS: i32 = 16;

@inline function chunkImages(N: i32): i32 {
  return max(1, (N + FILTER_CHUNKS - 1) / FILTER_CHUNKS);
}

/** Chunks of images of the filter gradient (the units of conv2dBackwardFilter). */
export function conv2dBackwardFilterChunks(gp: usize): i32 {
  const N = changetype<ConvShape>(gp).N;
  const per = chunkImages(N);
  return (N + per - 1) / per;
}

/** Bytes of one chunk's partial dWᵀ: K (rounded up to MR) rows of O (rounded up to NR). */
export function conv2dBackwardFilterPartialBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  return <i32>bytes(roundUp(g.C * g.kH * g.kW, MR) * roundUp(g.O, NR));
}

export function conv2dBackwardFilterScratchBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const K = g.C * g.kH * g.kW;
  const P = g.Ho * g.Wo;
  const Op = roundUp(g.O, NR);
  return <i32>(
    bytes(paddedFloats(g)) + bytes(K + MR) + bytes(P) + bytes(Op * P) + bytes(MR * NR) + bytes(lineFloats(g)) + 64
  );
}

/**
 * Partial dWᵀ of chunks [c0, c1), each into partials + c·conv2dBackwardFilterPartialBytes:
 * dWᵀ[k][o] = Σ_n Σ_p col_n[k][p]·dy[n][o][p] over the chunk's images. Rows of taps are read
 * in place from the padded image (indirect A), NR output channels of dyᵀ packed per image (B),
 * depth = output pixels in blocks; the block of B is reused by every sliver of taps while it
 * is in L1.
 */
export function conv2dBackwardFilter(
  gp: usize,
  x: usize,
  dy: usize,
  partials: usize,
  c0: i32,
  c1: i32,
  scratch: usize,
): void {
  const g = changetype<ConvShape>(gp);
  const O = g.O;
  const K = g.C * g.kH * g.kW;
  const P = g.Ho * g.Wo;
  const Op = roundUp(O, NR);
  const Wq = phaseWidth(g);
  const xp = align64(scratch);
  const off = xp + bytes(paddedFloats(g));
  const steps = off + bytes(K + MR);
  const bp = steps + bytes(P);
  const tmp = bp + bytes(Op * P);
  const line = tmp + bytes(MR * NR);
  tapOffsets(g, off);
  // steps[p] = byte offset of output pixel p = (oh, ow) in xp.
  for (let oh = 0; oh < g.Ho; oh++) {
    for (let ow = 0; ow < g.Wo; ow++) store<i32>(steps + (<usize>(oh * g.Wo + ow) << 2), (oh * g.sH * Wq + ow) << 2);
  }
  const inBytes = <usize>(g.C * g.H * g.W) << 2;
  const panel = <usize>(P * NR) << 2;
  const partBytes = bytes(roundUp(K, MR) * Op);
  const per = chunkImages(g.N);
  for (let c = c0; c < c1; c++) {
    const dwt = partials + <usize>c * partBytes;
    memory.fill(dwt, 0, <usize>(roundUp(K, MR) * Op) << 2);
    for (let n = c * per; n < min(g.N, (c + 1) * per); n++) {
      padImage(g, x + <usize>n * inBytes, xp, line);
      // Element (p, o) of dyᵀ is dy[n][o·P + p]: row stride 1, column stride P.
      packB(dy + (<usize>(n * O * P) << 2), 1, P, P, O, bp);
      const depth = depthBlock(P);
      for (let pc = 0; pc < P; pc += depth) {
        const kc = min(depth, P - pc);
        for (let j = 0; j < O; j += NR) {
          const bj = bp + <usize>(j / NR) * panel + (<usize>(pc * NR) << 2);
          for (let k = 0; k < K; k += MR) {
            microKernelIndirectA(
              kc, xp, off + (<usize>k << 2), steps + (<usize>pc << 2), bj,
              at(dwt, k * Op + j), Op, min(MR, K - k), min(NR, O - j), 1, 1, tmp,
            );
          }
        }
      }
    }
  }
}

/** dW[o][k] (+)= Σ_c partial_c[k][o] for output channels [o0, o1), chunks added in order. */
export function conv2dBackwardFilterReduce(
  gp: usize,
  partials: usize,
  chunks: i32,
  dw: usize,
  accumulate: bool,
  o0: i32,
  o1: i32,
): void {
  const g = changetype<ConvShape>(gp);
  const K = g.C * g.kH * g.kW;
  const Op = roundUp(g.O, NR);
  const partBytes = bytes(roundUp(K, MR) * Op);
  for (let o = o0; o < o1; o++) {
    for (let k = 0; k < K; k++) {
      const cell = at(partials, k * Op + o);
      let s = load<f32>(cell);
      for (let c = 1; c < chunks; c++) s += load<f32>(cell + <usize>c * partBytes);
      const d = at(dw, o * K + k);
      store<f32>(d, accumulate ? load<f32>(d) + s : s);
    }
  }
}

/** db[o] (+)= Σ_n Σ_p dy[n, o, p] for channels [o0, o1). */
export function conv2dBiasGrad(dy: usize, db: usize, N: i32, O: i32, P: i32, accumulate: bool, o0: i32, o1: i32): void {
  for (let o = o0; o < o1; o++) {
    let s: f64 = accumulate ? <f64>load<f32>(at(db, o)) : 0;
    for (let n = 0; n < N; n++) s += sumRun(at(dy, (n * O + o) * P), P);
    store<f32>(at(db, o), <f32>s);
  }
}
