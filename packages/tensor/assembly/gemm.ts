/**
 * Packed single-precision GEMM (Goto/BLIS structure) for wasm SIMD.
 *
 * C[M×N] = alpha · A[M×K] · B[K×N] + beta · C (+ bias[row]), where A and B are read through
 * arbitrary row/column strides, so that every transposition is just a different packing.
 *
 *   for each NC-wide column block of B            (packed B panel stays in L2/L3)
 *     for each depth block of K (≤ KC)            (packed B: NR-wide panels, K-contiguous)
 *       for each MC-tall row block of A           (packed A: MR-tall slivers, K-contiguous, L2)
 *         for each NR panel, for each MR sliver:  the micro-kernel, an MR×NR tile held in
 *                                                  registers while it walks kc steps of K.
 *
 * Packed layouts (f32, all addresses in bytes):
 *   A sliver s:  ap[s][k][0..MR)   — the MR values of one column of A per step of k, each
 *                                    stored as a splat f32x4 (16 bytes): the micro-kernel then
 *                                    loads a broadcast A value with one plain v128.load at a
 *                                    constant offset, which V8 folds into the address (its
 *                                    load32_splat needs an extra lea per load). 4× the bytes
 *                                    of A, which is the small, cache-resident operand.
 *   B panel  p:  bp[p][k][0..NR)   — NR consecutive values of one row of B per step of k
 * Rows/columns beyond the matrix edge are packed as zeros, so the micro-kernel always computes
 * a full MR×NR tile and only the write-back looks at the edge.
 */

import { align64, madd, roundUp, transpose4x4Store } from './util';

/** Micro-tile height (rows of C) and width (columns of C, two f32x4 vectors). */
export const MR: i32 = 4;
export const NR: i32 = 8;
/**
 * Cache blocking: a KC·NR·4-byte B micro-panel (8 KiB) stays in L1 while the MC·KC·16 bytes of
 * packed A (128 KiB, measured best against 256 KiB blocks) stream from L2.
 */
export const KC: i32 = 256;
export const MC: i32 = 32;
export const NC: i32 = 2048;

/**
 * The depth of the K blocks for a reduction of length K: at most KC, and equal blocks (K = 288
 * as 144 + 144, not 256 + 32) so that no block is a sliver dominated by write-back overhead.
 */
@inline export function depthBlock(K: i32): i32 {
  const blocks = (K + KC - 1) / KC;
  return roundUp((K + blocks - 1) / max(blocks, 1), 4);
}

/** Bytes of one packed A value (a splat f32x4) and of one step of k of an A sliver. */
const A_VALUE: i32 = 16;
const A_STEP: i32 = MR * A_VALUE;

/** Bytes of `rows` × `depth` of A packed in slivers (rows rounded up to whole slivers). */
@inline export function packedABytes(rows: i32, depth: i32): usize {
  return <usize>roundUp(rows, MR) * <usize>depth * <usize>A_VALUE;
}

/** Byte offset, in A packed with depth `depth`, of row `row` (a multiple of MR) at step k. */
@inline export function packedAOffset(row: i32, k: i32, depth: i32): usize {
  return <usize>((row / MR) * depth + k) * <usize>A_STEP;
}

/** Bytes of scratch `gemm` needs for one range of work (packed A block, packed B block, a tile). */
export function gemmScratchBytes(M: i32, N: i32, K: i32): i32 {
  const kc = depthBlock(K);
  const nc = roundUp(min(N, NC), NR);
  const mc = roundUp(min(M, MC), MR);
  return <i32>((<usize>(kc * nc + MR * NR) << 2) + packedABytes(mc, kc) + 64);
}

/**
 * Packs op(A)[i0.., k0..] of size mc×kc into MR-row slivers of splats (see the layouts above).
 * Element (i, k) of the source is at src + (i·rs + k·cs)·4; rows past mc are packed as 0.
 */
export function packA(src: usize, rs: i32, cs: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const base = src + (<usize>(i * rs) << 2);
    if (rows == MR && rs == 1) {
      // A is stored transposed: the MR values of one k are adjacent.
      for (let k = 0; k < kc; k++) {
        storeSplats(v128.load(base + (<usize>(k * cs) << 2)), dst);
        dst += A_STEP;
      }
    } else if (rows == MR && cs == 1) {
      // Row-major A: read four rows four values at a time and transpose 4×4 blocks.
      const ld = <usize>rs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = base + (<usize>k << 2);
        const r0 = v128.load(p);
        const r1 = v128.load(p + ld);
        const r2 = v128.load(p + 2 * ld);
        const r3 = v128.load(p + 3 * ld);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        storeSplats(i32x4.shuffle(t0, t1, 0, 1, 4, 5), dst);
        storeSplats(i32x4.shuffle(t0, t1, 2, 3, 6, 7), dst + A_STEP);
        storeSplats(i32x4.shuffle(t2, t3, 0, 1, 4, 5), dst + 2 * A_STEP);
        storeSplats(i32x4.shuffle(t2, t3, 2, 3, 6, 7), dst + 3 * A_STEP);
        dst += 4 * A_STEP;
      }
      for (; k < kc; k++) {
        const p = base + (<usize>k << 2);
        for (let r = 0; r < MR; r++) v128.store(dst + <usize>(r * A_VALUE), v128.load32_splat(p + <usize>r * ld));
        dst += A_STEP;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const col = base + (<usize>(k * cs) << 2);
        for (let r = 0; r < MR; r++) {
          const v: f32 = r < rows ? load<f32>(col + (<usize>(r * rs) << 2)) : 0;
          v128.store(dst + <usize>(r * A_VALUE), f32x4.splat(v));
        }
        dst += A_STEP;
      }
    }
  }
}

/** Stores the four lanes of v as four splats at dst, dst + 16, dst + 32, dst + 48. */
@inline function storeSplats(v: v128, dst: usize): void {
  v128.store(dst, i32x4.shuffle(v, v, 0, 0, 0, 0));
  v128.store(dst, i32x4.shuffle(v, v, 1, 1, 1, 1), 16);
  v128.store(dst, i32x4.shuffle(v, v, 2, 2, 2, 2), 32);
  v128.store(dst, i32x4.shuffle(v, v, 3, 3, 3, 3), 48);
}

/**
 * Packs op(B)[k0.., j0..] of size kc×nc into NR-column panels. Element (k, j) of the source is at
 * src + (k·rs + j·cs)·4.
 */
export function packB(src: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const base = src + (<usize>(j * cs) << 2);
    if (cols == NR && cs == 1) {
      // Row-major B: the NR values of one k are adjacent.
      for (let k = 0; k < kc; k++) {
        const row = base + (<usize>(k * rs) << 2);
        v128.store(dst, v128.load(row));
        v128.store(dst, v128.load(row, 16), 16);
        dst += NR << 2;
      }
    } else if (cols == NR && rs == 1) {
      // B stored transposed (each column contiguous in k): transpose 4×4 blocks, two per step.
      const ld = <usize>cs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = base + (<usize>k << 2);
        transpose4x4Store(v128.load(p), v128.load(p + ld), v128.load(p + 2 * ld), v128.load(p + 3 * ld), dst, NR << 2);
        const q = p + 4 * ld;
        transpose4x4Store(
          v128.load(q), v128.load(q + ld), v128.load(q + 2 * ld), v128.load(q + 3 * ld),
          dst + 16, NR << 2,
        );
        dst += NR << 4;
      }
      for (; k < kc; k++) {
        const p = base + (<usize>k << 2);
        for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), load<f32>(p + <usize>c * ld));
        dst += NR << 2;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const row = base + (<usize>(k * rs) << 2);
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(row + (<usize>(c * cs) << 2)) : 0);
        }
        dst += NR << 2;
      }
    }
  }
}

/**
 * Writes one row of a tile: c[0..8) = alpha·acc + beta·c + bias. The multiply by alpha = 1 and
 * the add of an absent bias are skipped, which folds away where the call site passes literals
 * (Winograd's products); elsewhere it is one well-predicted branch per row.
 */
@inline function storeRow(c: usize, lo: v128, hi: v128, alpha: f32, beta: f32, bias: usize, row: i32): void {
  let r0 = lo;
  let r1 = hi;
  if (alpha != 1) {
    const av = f32x4.splat(alpha);
    r0 = f32x4.mul(r0, av);
    r1 = f32x4.mul(r1, av);
  }
  if (bias) {
    const bv = v128.load32_splat(bias + (<usize>row << 2));
    r0 = f32x4.add(r0, bv);
    r1 = f32x4.add(r1, bv);
  }
  if (beta != 0) {
    const b = f32x4.splat(beta);
    r0 = f32x4.add(r0, f32x4.mul(v128.load(c), b));
    r1 = f32x4.add(r1, f32x4.mul(v128.load(c, 16), b));
  }
  v128.store(c, r0);
  v128.store(c, r1, 16);
}


/**
 * The MR×NR micro-kernel: acc = Σ_k a_k ⊗ b_k over kc steps, then the write-back
 * c = alpha·acc + beta·c + bias[row] (c is not read when beta = 0). The eight accumulators are
 * locals (registers); each step loads two B vectors and four broadcast A values and does
 * 8 multiply-adds (`madd`: fused in the relaxed-SIMD build). Edge tiles (mr < MR or nr < NR) go
 * through `tmp` (MR·NR floats).
 *
 * Where step k of the operands is, fixed at compile time per variant:
 *   packed A    a + k·A_STEP holds the MR values of step k, as splats
 *   indirect A  row i of step k is at a + aOff[i] + steps[k] (rows of a padded image: the
 *               im2col matrix of a convolution read in place, for the filter gradient)
 *   packed B    b + k·NR·4 holds the NR values of step k
 *   indirect B  step k is the NR adjacent values at b + bOff[k] (NR output pixels' inputs in a
 *               padded image: convolution without an im2col copy)
 */
@inline export function tile(
  indirectA: bool, indirectB: bool,
  kc: i32, a: usize, aOff: usize, steps: usize, b: usize, bOff: usize,
  c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, beta: f32, bias: usize, tmp: usize,
): void {
  let r0 = a, r1 = a, r2 = a, r3 = a;
  if (indirectA) {
    r0 = a + <usize>load<i32>(aOff);
    r1 = a + <usize>load<i32>(aOff, 4);
    r2 = a + <usize>load<i32>(aOff, 8);
    r3 = a + <usize>load<i32>(aOff, 12);
  }
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const bk = indirectB ? b + <usize>load<i32>(bOff + (<usize>k << 2)) : b;
    const b0 = v128.load(bk);
    const b1 = v128.load(bk, 16);
    const s: usize = indirectA ? <usize>load<i32>(steps + (<usize>k << 2)) : 0;
    let av = indirectA ? v128.load32_splat(r0 + s) : v128.load(a);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = indirectA ? v128.load32_splat(r1 + s) : v128.load(a, 16);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = indirectA ? v128.load32_splat(r2 + s) : v128.load(a, 32);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = indirectA ? v128.load32_splat(r3 + s) : v128.load(a, 48);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    if (!indirectA) a += A_STEP;
    if (!indirectB) b += NR << 2;
  }
  const ld = <usize>ldc << 2;
  if (mr == MR && nr == NR) {
    storeRow(c, c00, c01, alpha, beta, bias, 0);
    storeRow(c + ld, c10, c11, alpha, beta, bias, 1);
    storeRow(c + 2 * ld, c20, c21, alpha, beta, bias, 2);
    storeRow(c + 3 * ld, c30, c31, alpha, beta, bias, 3);
    return;
  }
  // Edge tile: park the accumulators in tmp, then copy the valid mr×nr corner.
  v128.store(tmp, c00); v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32); v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64); v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96); v128.store(tmp, c31, 112);
  for (let i = 0; i < mr; i++) {
    const bi: f32 = bias ? load<f32>(bias + (<usize>i << 2)) : 0;
    const row = c + <usize>i * ld;
    for (let j = 0; j < nr; j++) {
      const p = row + (<usize>j << 2);
      let v = alpha * load<f32>(tmp + (<usize>(i * NR + j) << 2)) + bi;
      if (beta != 0) v += beta * load<f32>(p);
      store<f32>(p, v);
    }
  }
}

/** The micro-kernel on packed A and packed B (matrix products). */
function microKernel(
  kc: i32, a: usize, b: usize, c: usize, ldc: i32, mr: i32, nr: i32,
  alpha: f32, beta: f32, bias: usize, tmp: usize,
): void {
  tile(false, false, kc, a, 0, 0, b, 0, c, ldc, mr, nr, alpha, beta, bias, tmp);
}

/** The micro-kernel on packed A (weights) and indirect B (a padded image): convolution. */
export function microKernelIndirectB(
  kc: i32, a: usize, b: usize, bOff: usize, c: usize, ldc: i32, mr: i32, nr: i32,
  alpha: f32, beta: f32, bias: usize, tmp: usize,
): void {
  tile(false, true, kc, a, 0, 0, b, bOff, c, ldc, mr, nr, alpha, beta, bias, tmp);
}

/** The micro-kernel on indirect A (a padded image) and packed B (output gradients): filter gradient. */
export function microKernelIndirectA(
  kc: i32, a: usize, aOff: usize, steps: usize, b: usize, c: usize, ldc: i32, mr: i32, nr: i32,
  alpha: f32, beta: f32, tmp: usize,
): void {
  tile(true, false, kc, a, aOff, steps, b, 0, c, ldc, mr, nr, alpha, beta, 0, tmp);
}

/**
 * Multiplies packed blocks: C[mc×nc] = alpha·Ap·Bp + beta·C (+ bias). `aStride`/`bStride` are
 * the byte distances between consecutive A slivers / B panels, so that a block packed once with
 * a larger K can be used one KC-slice at a time.
 */
export function gemmPacked(
  mc: i32, nc: i32, kc: i32, ap: usize, aStride: usize, bp: usize, bStride: usize,
  c: usize, ldc: i32, alpha: f32, beta: f32, bias: usize, tmp: usize,
): void {
  for (let j = 0; j < nc; j += NR) {
    const nr = min(NR, nc - j);
    const bj = bp + <usize>(j / NR) * bStride;
    const cj = c + (<usize>j << 2);
    for (let i = 0; i < mc; i += MR) {
      microKernel(
        kc, ap + <usize>(i / MR) * aStride, bj, cj + (<usize>(i * ldc) << 2), ldc,
        min(MR, mc - i), nr, alpha, beta, bias ? bias + (<usize>i << 2) : 0, tmp,
      );
    }
  }
}

/**
 * C = alpha·op(A)·op(B) + beta·C for rows [m0, m1) of C (the unit of parallel work).
 * (i, k) of op(A) is at a + (i·ars + k·acs)·4; (k, j) of op(B) at b + (k·brs + j·bcs)·4.
 * C is row-major with row stride ldc. `scratch` holds gemmScratchBytes(m1 - m0, N, K) bytes.
 */
export function gemm(
  M: i32, N: i32, K: i32, alpha: f32,
  a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32,
  beta: f32, c: usize, ldc: i32, m0: i32, m1: i32, scratch: usize,
): void {
  const kcMax = depthBlock(K);
  const base = align64(scratch);
  const bp = base;
  const ap = bp + (<usize>(kcMax * roundUp(min(N, NC), NR)) << 2);
  const tmp = ap + packedABytes(min(m1 - m0, MC), kcMax);
  if (K == 0) {
    for (let i = m0; i < m1; i++) {
      for (let j = 0; j < N; j++) {
        const p = c + (<usize>(i * ldc + j) << 2);
        store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
      }
    }
    return;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += kcMax) {
      const kc = min(kcMax, K - pc);
      const betaK: f32 = pc == 0 ? beta : 1;
      packB(b + (<usize>(pc * brs + jc * bcs) << 2), brs, bcs, kc, nc, bp);
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = min(MC, m1 - ic);
        packA(a + (<usize>(ic * ars + pc * acs) << 2), ars, acs, mc, kc, ap);
        gemmPacked(
          mc, nc, kc, ap, packedAOffset(MR, 0, kc), bp, <usize>(kc * NR) << 2,
          c + (<usize>(ic * ldc + jc) << 2), ldc, alpha, betaK, 0, tmp,
        );
      }
    }
  }
}
