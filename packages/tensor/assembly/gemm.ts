/**
 * Packed single-precision GEMM (Goto/BLIS structure) for wasm SIMD.
 *
 * C[M×N] = alpha · A[M×K] · B[K×N] + beta · C (+ bias[row]), where A and B are read through
 * arbitrary row/column strides, so that every transposition is just a different packing.
 *
 *   for each NC-wide column block of B            (packed B panel stays in L2/L3)
 *     for each KC-deep slice of K                 (packed B: NR-wide panels, K-contiguous)
 *       for each MC-tall row block of A           (packed A: MR-tall slivers, K-contiguous, L2)
 *         for each NR panel, for each MR sliver:  the micro-kernel, an MR×NR tile held in
 *                                                  registers while it walks kc steps of K.
 *
 * Packed layouts (f32, all addresses in bytes):
 *   A sliver s:  ap[s][k][0..MR)   — MR consecutive values of one column of A per step of k
 *   B panel  p:  bp[p][k][0..NR)   — NR consecutive values of one row of B per step of k
 * Rows/columns beyond the matrix edge are packed as zeros, so the micro-kernel always computes
 * a full MR×NR tile and only the write-back looks at the edge.
 */

import { roundUp } from './util';

/** Micro-tile height (rows of C) and width (columns of C, two f32x4 vectors). */
export const MR: i32 = 4;
export const NR: i32 = 8;
/** Cache blocking: KC·NR·4 bytes of B (8 KiB) stay in L1, MC·KC·4 of A (128 KiB) in L2. */
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;

/** Bytes of scratch `gemm` needs for one range of work (packed A block, packed B block, a tile). */
export function gemmScratchBytes(M: i32, N: i32, K: i32): i32 {
  const kc = min(K, KC);
  const nc = roundUp(min(N, NC), NR);
  const mc = roundUp(min(M, MC), MR);
  return (kc * nc + mc * kc + MR * NR) * 4 + 64;
}

/**
 * Packs op(A)[i0.., k0..] of size mc×kc into MR-row slivers. Element (i, k) of the source is at
 * src + (i·rs + k·cs)·4.
 */
export function packA(src: usize, rs: i32, cs: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const base = src + (<usize>(i * rs) << 2);
    if (rows == MR && rs == 1) {
      // A is stored transposed: the MR values of one k are adjacent.
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(base + (<usize>(k * cs) << 2)));
        dst += MR << 2;
      }
    } else if (rows == MR && cs == 1) {
      // Row-major A: read four rows four values at a time and transpose 4×4 blocks.
      const ld = <usize>rs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = base + (<usize>k << 2);
        transpose4x4Store(v128.load(p), v128.load(p + ld), v128.load(p + 2 * ld), v128.load(p + 3 * ld), dst, MR << 2);
        dst += MR << 4;
      }
      for (; k < kc; k++) {
        const p = base + (<usize>k << 2);
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(p + <usize>r * ld));
        dst += MR << 2;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const col = base + (<usize>(k * cs) << 2);
        for (let r = 0; r < MR; r++) {
          store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(col + (<usize>(r * rs) << 2)) : 0);
        }
        dst += MR << 2;
      }
    }
  }
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
        transpose4x4Store(v128.load(q), v128.load(q + ld), v128.load(q + 2 * ld), v128.load(q + 3 * ld), dst + 16, NR << 2);
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
 * Stores the transpose of the 4×4 block with rows r0..r3: column q goes to dst + q·stride.
 */
@inline function transpose4x4Store(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/** Writes one row of a tile: c[0..8) = alpha·acc + beta·c + bias. */
@inline function storeRow(c: usize, lo: v128, hi: v128, alpha: v128, beta: f32, bias: v128): void {
  let r0 = f32x4.add(f32x4.mul(lo, alpha), bias);
  let r1 = f32x4.add(f32x4.mul(hi, alpha), bias);
  if (beta != 0) {
    const b = f32x4.splat(beta);
    r0 = f32x4.add(r0, f32x4.mul(v128.load(c), b));
    r1 = f32x4.add(r1, f32x4.mul(v128.load(c, 16), b));
  }
  v128.store(c, r0);
  v128.store(c, r1, 16);
}

@inline function biasOf(bias: usize, row: i32): v128 {
  return bias ? v128.load32_splat(bias + (<usize>row << 2)) : f32x4.splat(0);
}

/**
 * The MR×NR micro-kernel: acc = Σ_k a[k][0..4) ⊗ b[k][0..8), then the write-back. The eight
 * accumulators are locals (registers); each step of k loads two B vectors and four broadcast A
 * values and does 8 multiplies + 8 adds. `tmp` (MR·NR floats) receives edge tiles.
 */
function microKernel(
  kc: i32, a: usize, b: usize, c: usize, ldc: i32, mr: i32, nr: i32,
  alpha: f32, beta: f32, bias: usize, tmp: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    a += MR << 2;
    b += NR << 2;
  }
  const av = f32x4.splat(alpha);
  const ld = <usize>ldc << 2;
  if (mr == MR && nr == NR) {
    storeRow(c, c00, c01, av, beta, biasOf(bias, 0));
    storeRow(c + ld, c10, c11, av, beta, biasOf(bias, 1));
    storeRow(c + 2 * ld, c20, c21, av, beta, biasOf(bias, 2));
    storeRow(c + 3 * ld, c30, c31, av, beta, biasOf(bias, 3));
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
  const kcMax = min(K, KC);
  const base = (scratch + 63) & ~(<usize>63);
  const bp = base;
  const ap = bp + (<usize>(kcMax * roundUp(min(N, NC), NR)) << 2);
  const tmp = ap + (<usize>(roundUp(min(m1 - m0, MC), MR) * kcMax) << 2);
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
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const betaK: f32 = pc == 0 ? beta : 1;
      packB(b + (<usize>(pc * brs + jc * bcs) << 2), brs, bcs, kc, nc, bp);
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = min(MC, m1 - ic);
        packA(a + (<usize>(ic * ars + pc * acs) << 2), ars, acs, mc, kc, ap);
        gemmPacked(
          mc, nc, kc, ap, <usize>(kc * MR) << 2, bp, <usize>(kc * NR) << 2,
          c + (<usize>(ic * ldc + jc) << 2), ldc, alpha, betaK, 0, tmp,
        );
      }
    }
  }
}
