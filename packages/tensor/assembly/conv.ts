/**
 * 2-D convolution (NCHW, weights [O, C, kH, kW]) as GEMM over the im2col matrix.
 *
 * The im2col matrix of one image has K = C·kH·kW rows (one per weight of a filter) and
 * P = Ho·Wo columns (one per output pixel): col[(c, ki, kj), (oh, ow)] = x[c, oh·sH − pH + ki,
 * ow·sW − pW + kj], or 0 in the padding. Then
 *   forward          y_n[O×P]  = W[O×K] · col_n                  (+ bias)
 *   backward data    dx_n      = col2im(Wᵀ[K×O] · dy_n[O×P])
 *   backward filter  dW[O×K]  += dy_n[O×P] · col_nᵀ              summed over images
 *
 * The forward pass never stores col: `im2colPanels` writes it straight into the packed-B panel
 * layout the GEMM micro-kernel reads, one KC×PC block at a time, so im2col costs one pass and
 * the block stays in cache. A 1×1, stride-1, unpadded convolution has col_n = x_n and skips
 * im2col (and col2im) entirely.
 *
 * Units of parallel work: images [n0, n1) for forward and backward data (each image writes its
 * own output), rows [k0, k1) of K for backward filter (each writes its own columns of dW, so
 * no reduction between threads is needed). Each range gets its own `scratch`.
 */

import { KC, MC, MR, NR, gemmPacked, packA, packB } from './gemm';
import { at, roundUp, sumRun } from './util';

/** Output pixels (columns of col) per block in the forward pass: the packed block is KC×PC. */
const PC: i32 = 256;
/** Bytes of col (K × columns) one block of the backward passes may use. */
const COL_BYTES: i32 = 256 << 10;

/**
 * The geometry of one convolution, written by JS as 13 consecutive i32 (an @unmanaged class
 * is a typed view of raw memory, not an allocated object).
 */
@unmanaged class ConvShape {
  N: i32;
  C: i32;
  H: i32;
  W: i32;
  O: i32;
  kH: i32;
  kW: i32;
  sH: i32;
  sW: i32;
  pH: i32;
  pW: i32;
  Ho: i32;
  Wo: i32;
}

@inline function isPointwise(g: ConvShape): bool {
  return g.kH == 1 && g.kW == 1 && g.sH == 1 && g.sW == 1 && g.pH == 0 && g.pW == 0;
}

@inline function align64(p: usize): usize {
  return (p + 63) & ~(<usize>63);
}

/** Columns per block of the backward passes, so that K × block floats stay within COL_BYTES. */
@inline function colBlock(K: i32, P: i32): i32 {
  const fit = max(NR, (COL_BYTES >> 2) / max(K, 1) / NR * NR);
  return min(fit, roundUp(P, NR));
}

/**
 * Writes rows [k0, k0 + kc) × columns [p0, p0 + nc) of image xn's im2col matrix into packed-B
 * panels (NR columns each, kc rows of NR values). `lanes` is scratch for 2·NR i32.
 */
function im2colPanels(g: ConvShape, xn: usize, k0: i32, kc: i32, p0: i32, nc: i32, dst: usize, lanes: usize): void {
  const H = g.H;
  const W = g.W;
  const kW = g.kW;
  const kk = g.kH * kW;
  const Wo = g.Wo;
  const sW = g.sW;
  const planeBytes = <usize>(H * W) << 2;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const p = p0 + j;
    const oh = p / Wo;
    const ow = p - oh * Wo;
    // All NR pixels in one output row: input columns iw0 + l·sW of one input row.
    const inRow = cols == NR && ow + NR <= Wo;
    if (!inRow) {
      for (let l = 0; l < NR; l++) {
        const q = p + l;
        const qh = q / Wo;
        // Lanes past the edge get a base so negative that every row test fails: they pack 0.
        store<i32>(lanes + (<usize>l << 2), l < cols ? qh * g.sH - g.pH : -0x40000000);
        store<i32>(lanes + (<usize>(NR + l) << 2), (q - qh * Wo) * sW - g.pW);
      }
    }
    const ih0 = oh * g.sH - g.pH;
    const iw0 = ow * sW - g.pW;
    let c = k0 / kk;
    let r = k0 - c * kk;
    let ki = r / kW;
    let kj = r - ki * kW;
    let d = dst + <usize>(j / NR) * (<usize>(kc * NR) << 2);
    for (let t = 0; t < kc; t++) {
      const plane = xn + <usize>c * planeBytes;
      if (inRow) {
        const ih = ih0 + ki;
        const iw = iw0 + kj;
        if (<u32>ih >= <u32>H) {
          v128.store(d, i32x4.splat(0));
          v128.store(d, i32x4.splat(0), 16);
        } else {
          const row = plane + (<usize>(ih * W) << 2);
          if (sW == 1 && iw >= 0 && iw + NR <= W) {
            v128.store(d, v128.load(at(row, iw)));
            v128.store(d, v128.load(at(row, iw + 4)), 16);
          } else if (sW == 2 && iw >= 0 && iw + 2 * NR <= W) {
            // Stride 2: the even lanes of 16 consecutive values.
            const s = at(row, iw);
            v128.store(d, i32x4.shuffle(v128.load(s), v128.load(s, 16), 0, 2, 4, 6));
            v128.store(d, i32x4.shuffle(v128.load(s, 32), v128.load(s, 48), 0, 2, 4, 6), 16);
          } else {
            for (let l = 0; l < NR; l++) {
              const c2 = iw + l * sW;
              store<f32>(d + (<usize>l << 2), <u32>c2 < <u32>W ? load<f32>(at(row, c2)) : 0);
            }
          }
        }
      } else {
        for (let l = 0; l < NR; l++) {
          const ih = load<i32>(lanes + (<usize>l << 2)) + ki;
          const iw = load<i32>(lanes + (<usize>(NR + l) << 2)) + kj;
          store<f32>(d + (<usize>l << 2), <u32>ih < <u32>H && <u32>iw < <u32>W ? load<f32>(at(plane, ih * W + iw)) : 0);
        }
      }
      d += NR << 2;
      if (++kj == kW) {
        kj = 0;
        if (++ki == g.kH) {
          ki = 0;
          c++;
        }
      }
    }
  }
}

/**
 * Moves data between image xn and rows [k0, k0 + nk) × columns [p0, p0 + np) of its im2col
 * matrix, stored row-major in `col` with row stride `ld`:
 *   gather  (scatter = false): col = im2col(x), padding written as 0   — backward filter
 *   scatter (scatter = true):  x += col2im(col), padding ignored       — backward data
 * The two are transposes of each other, so one walk over (row, output-row segment) serves both;
 * with unit stride each segment is a contiguous run of x and moves four lanes at a time.
 */
@inline function colTransfer(
  g: ConvShape, xn: usize, col: usize, ld: i32, k0: i32, nk: i32, p0: i32, np: i32, scatter: bool,
): void {
  const H = g.H;
  const W = g.W;
  const kW = g.kW;
  const kk = g.kH * kW;
  const Wo = g.Wo;
  const sW = g.sW;
  let c = k0 / kk;
  let r = k0 - c * kk;
  let ki = r / kW;
  let kj = r - ki * kW;
  for (let t = 0; t < nk; t++) {
    const plane = xn + (<usize>(c * H * W) << 2);
    const crow = col + (<usize>(t * ld) << 2);
    let q = 0; // column within the block
    while (q < np) {
      const p = p0 + q;
      const oh = p / Wo;
      const ow = p - oh * Wo;
      const seg = min(Wo - ow, np - q);
      const ih = oh * g.sH - g.pH + ki;
      const src = at(crow, q);
      if (<u32>ih >= <u32>H) {
        if (!scatter) memory.fill(src, 0, <usize>seg << 2);
      } else {
        const row = plane + (<usize>(ih * W) << 2);
        const iw0 = ow * sW - g.pW + kj;
        if (sW == 1) {
          // Valid segment positions: 0 ≤ iw0 + s < W.
          const lo = min(seg, max(0, -iw0));
          const hi = max(lo, min(seg, W - iw0));
          if (!scatter) {
            if (lo > 0) memory.fill(src, 0, <usize>lo << 2);
            if (hi < seg) memory.fill(at(src, hi), 0, <usize>(seg - hi) << 2);
          }
          let s = lo;
          for (; s + 4 <= hi; s += 4) {
            const xp = at(row, iw0 + s);
            if (scatter) v128.store(xp, f32x4.add(v128.load(xp), v128.load(at(src, s))));
            else v128.store(at(src, s), v128.load(xp));
          }
          for (; s < hi; s++) {
            const xp = at(row, iw0 + s);
            if (scatter) store<f32>(xp, load<f32>(xp) + load<f32>(at(src, s)));
            else store<f32>(at(src, s), load<f32>(xp));
          }
        } else {
          for (let s = 0; s < seg; s++) {
            const iw = iw0 + s * sW;
            const inside = <u32>iw < <u32>W;
            if (scatter) {
              if (inside) {
                const xp = at(row, iw);
                store<f32>(xp, load<f32>(xp) + load<f32>(at(src, s)));
              }
            } else {
              store<f32>(at(src, s), inside ? load<f32>(at(row, iw)) : 0);
            }
          }
        }
      }
      q += seg;
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

// ---------------------------------------------------------------------------------------------
// Forward

/** Scratch bytes for one range of conv2d: packed W, one packed im2col block, a tile, lanes. */
export function conv2dScratchBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const K = g.C * g.kH * g.kW;
  return (roundUp(g.O, MR) * K + KC * PC + MR * NR + 2 * NR) * 4 + 4 * 64;
}

/** y[n] = W · im2col(x[n]) + bias for images [n0, n1). `bias` may be 0. */
export function conv2d(gp: usize, x: usize, w: usize, bias: usize, y: usize, n0: i32, n1: i32, scratch: usize): void {
  const g = changetype<ConvShape>(gp);
  const O = g.O;
  const K = g.C * g.kH * g.kW;
  const P = g.Ho * g.Wo;
  const wp = align64(scratch);
  const bp = align64(wp + (<usize>(roundUp(O, MR) * K) << 2));
  const tmp = align64(bp + (<usize>(KC * PC) << 2));
  const lanes = align64(tmp + (<usize>(MR * NR) << 2));
  // All of W as MR-row slivers over the full depth K; each KC slice is then a sub-range.
  packA(w, K, 1, O, K, wp);
  const sliver = <usize>(K * MR) << 2;
  const pointwise = isPointwise(g);
  for (let n = n0; n < n1; n++) {
    const xn = x + (<usize>(n * g.C * g.H * g.W) << 2);
    const yn = y + (<usize>(n * O * P) << 2);
    for (let jc = 0; jc < P; jc += PC) {
      const nc = min(PC, P - jc);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = min(KC, K - pc);
        if (pointwise) packB(at(xn, pc * P + jc), P, 1, kc, nc, bp);
        else im2colPanels(g, xn, pc, kc, jc, nc, bp, lanes);
        for (let ic = 0; ic < O; ic += MC) {
          gemmPacked(
            min(MC, O - ic), nc, kc, wp + <usize>(ic / MR) * sliver + (<usize>(pc * MR) << 2), sliver,
            bp, <usize>(kc * NR) << 2, at(yn, ic * P + jc), P,
            1, pc == 0 ? 0 : 1, pc == 0 && bias ? at(bias, ic) : 0, tmp,
          );
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Backward data

export function conv2dBackwardDataScratchBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const K = g.C * g.kH * g.kW;
  const cb = colBlock(K, g.Ho * g.Wo);
  return (roundUp(K, MR) * g.O + KC * cb + K * cb + MR * NR) * 4 + 4 * 64;
}

/** dx[n] = col2im(Wᵀ · dy[n]) for images [n0, n1). */
export function conv2dBackwardData(gp: usize, dy: usize, w: usize, dx: usize, n0: i32, n1: i32, scratch: usize): void {
  const g = changetype<ConvShape>(gp);
  const O = g.O;
  const K = g.C * g.kH * g.kW;
  const P = g.Ho * g.Wo;
  const cb = colBlock(K, P);
  const wtp = align64(scratch);
  const bp = align64(wtp + (<usize>(roundUp(K, MR) * O) << 2));
  const col = align64(bp + (<usize>(KC * cb) << 2));
  const tmp = align64(col + (<usize>(K * cb) << 2));
  // Wᵀ: element (k, o) of Wᵀ is w[o·K + k], i.e. row stride 1, column stride K.
  packA(w, 1, K, K, O, wtp);
  const sliver = <usize>(O * MR) << 2;
  const pointwise = isPointwise(g);
  const imageBytes = <usize>(g.C * g.H * g.W) << 2;
  for (let n = n0; n < n1; n++) {
    const dyn = dy + (<usize>(n * O * P) << 2);
    const dxn = dx + <usize>n * imageBytes;
    if (!pointwise) memory.fill(dxn, 0, imageBytes);
    for (let jc = 0; jc < P; jc += cb) {
      const nc = min(cb, P - jc);
      // A pointwise conv writes Wᵀ·dy straight into dx; otherwise into col, then col2im.
      const out = pointwise ? at(dxn, jc) : col;
      const ldo = pointwise ? P : nc;
      for (let pc = 0; pc < O; pc += KC) {
        const kc = min(KC, O - pc);
        packB(at(dyn, pc * P + jc), P, 1, kc, nc, bp);
        for (let ic = 0; ic < K; ic += MC) {
          gemmPacked(
            min(MC, K - ic), nc, kc, wtp + <usize>(ic / MR) * sliver + (<usize>(pc * MR) << 2), sliver,
            bp, <usize>(kc * NR) << 2, at(out, ic * ldo), ldo, 1, pc == 0 ? 0 : 1, 0, tmp,
          );
        }
      }
      if (!pointwise) colTransfer(g, dxn, col, nc, 0, K, jc, nc, true);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Backward filter

export function conv2dBackwardFilterScratchBytes(gp: usize): i32 {
  const g = changetype<ConvShape>(gp);
  const K = g.C * g.kH * g.kW;
  const kb = colBlock(KC, K);
  return (roundUp(g.O, MR) * KC + KC * roundUp(kb, NR) + kb * KC + MR * NR) * 4 + 4 * 64;
}

/**
 * Columns [k0, k1) of dW[O×K] = Σ_n dy[n] · im2col(x[n])ᵀ, added to dW when `accumulate`.
 * The reduction runs over output pixels, KC at a time; for each slice the matching rows of col
 * are built (im2col, or x itself for a pointwise conv) and packed transposed as B.
 */
export function conv2dBackwardFilter(
  gp: usize, x: usize, dy: usize, dw: usize, accumulate: bool, k0: i32, k1: i32, scratch: usize,
): void {
  const g = changetype<ConvShape>(gp);
  const O = g.O;
  const K = g.C * g.kH * g.kW;
  const P = g.Ho * g.Wo;
  const kb = colBlock(KC, K);
  const ap = align64(scratch);
  const bp = align64(ap + (<usize>(roundUp(O, MR) * KC) << 2));
  const col = align64(bp + (<usize>(KC * roundUp(kb, NR)) << 2));
  const tmp = align64(col + (<usize>(kb * KC) << 2));
  const pointwise = isPointwise(g);
  const imageBytes = <usize>(g.C * g.H * g.W) << 2;
  for (let n = 0; n < g.N; n++) {
    const xn = x + <usize>n * imageBytes;
    const dyn = dy + (<usize>(n * O * P) << 2);
    for (let pc = 0; pc < P; pc += KC) {
      const kc = min(KC, P - pc);
      // A = dy[n][:, pc:pc+kc]: O rows, depth kc.
      packA(at(dyn, pc), P, 1, O, kc, ap);
      const beta: f32 = n == 0 && pc == 0 && !accumulate ? 0 : 1;
      for (let jb = k0; jb < k1; jb += kb) {
        const nb = min(kb, k1 - jb);
        // B = colᵀ: element (p, k) is col[k][p], stored with row stride 1 and column stride ld.
        if (pointwise) {
          packB(at(xn, jb * P + pc), 1, P, kc, nb, bp);
        } else {
          colTransfer(g, xn, col, kc, jb, nb, pc, kc, false);
          packB(col, 1, kc, kc, nb, bp);
        }
        gemmPacked(O, nb, kc, ap, <usize>(kc * MR) << 2, bp, <usize>(kc * NR) << 2, at(dw, jb), K, 1, beta, 0, tmp);
      }
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
