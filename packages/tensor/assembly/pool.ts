/**
 * Max and average pooling over planes (N·C planes of H×W), forward and backward.
 * Planes are independent: [p0, p1) is the unit of parallel work.
 *
 * Window (oh, ow) covers rows [oh·sH − pH, +kH) and columns [ow·sW − pW, +kW), clipped to the
 * input. Average pooling divides by the window clipped to the padded input (countIncludePad,
 * Torch's default) or by the number of input elements in it. Max pooling ignores padding;
 * the first maximum wins and a NaN counts as the maximum (Torch). SIMD two ways: four adjacent
 * outputs at a time when their windows are narrow and inside the row (strides 1 and 2), and
 * along the window's rows when they are wide (the global average pool of a ResNet head).
 */

import { at, hsum } from './util';

@inline function rowSum(p: usize, n: i32): f32 {
  let v = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v = f32x4.add(v, v128.load(at(p, i)));
  let s = hsum(v);
  for (; i < n; i++) s += load<f32>(at(p, i));
  return s;
}

@inline function rowAdd(p: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(p, i), f32x4.add(v128.load(at(p, i)), v));
  for (; i < n; i++) store<f32>(at(p, i), load<f32>(at(p, i)) + value);
}

/** Offset (elements, within the plane) of the first maximum of window (oh, ow), or -1 if empty. */
@inline function argmaxWindow(xp: usize, H: i32, W: i32, h0: i32, h1: i32, w0: i32, w1: i32): i32 {
  let best = -1;
  let bestValue = -Infinity as f32;
  for (let ih = h0; ih < h1; ih++) {
    for (let iw = w0; iw < w1; iw++) {
      const v = load<f32>(at(xp, ih * W + iw));
      if (best < 0 || v > bestValue || (v != v && bestValue == bestValue)) {
        best = ih * W + iw;
        bestValue = v;
      }
    }
  }
  return best;
}

/** Four window starts iw, iw + sW, iw + 2sW, iw + 3sW of a row (sW = 1 or 2; iw + 8 ≤ W for 2). */
@inline function load4(row: usize, iw: i32, sW: i32): v128 {
  const p = at(row, iw);
  return sW == 1 ? v128.load(p) : i32x4.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
}

/** row[iw + l·sW] += g[l] for the four lanes (same conditions as load4). */
@inline function add4(row: usize, iw: i32, sW: i32, g: v128): void {
  const p = at(row, iw);
  if (sW == 1) {
    v128.store(p, f32x4.add(v128.load(p), g));
  } else {
    const zero = f32x4.splat(0);
    v128.store(p, f32x4.add(v128.load(p), i32x4.shuffle(g, zero, 0, 4, 1, 4)));
    v128.store(p, f32x4.add(v128.load(p, 16), i32x4.shuffle(g, zero, 2, 4, 3, 4)), 16);
  }
}

/**
 * Four adjacent outputs (oh, ow..ow+3) whose windows lie inside the row horizontally, one lane
 * each; rows [h0, h1) of the windows; `inv` the average's divisor. Max pooling keeps, per lane,
 * the first maximum (a NaN wins) and its position, as argmaxWindow does. The stride is
 * dispatched here, outside the loops (V8 does not hoist the test).
 */
@inline function pool4(
  mode: i32, xPlane: usize, srcPlane: usize, dstPlane: usize, o: i32, ws: i32,
  W: i32, h0: i32, h1: i32, kW: i32, sW: i32, inv: f32,
): void {
  if (sW == 1) pool4Stride(mode, 1, xPlane, srcPlane, dstPlane, o, ws, W, h0, h1, kW, inv);
  else pool4Stride(mode, 2, xPlane, srcPlane, dstPlane, o, ws, W, h0, h1, kW, inv);
}

@inline function pool4Stride(
  mode: i32, sW: i32, xPlane: usize, srcPlane: usize, dstPlane: usize, o: i32, ws: i32,
  W: i32, h0: i32, h1: i32, kW: i32, inv: f32,
): void {
  if (mode == 0) {
    // pmax is one instruction where V8 expands f32x4.max (NaN and ±0 rules) to seven; it
    // keeps the first of equal values, and NaN is tracked on the side: any NaN wins.
    if (h1 <= h0) {
      v128.store(at(dstPlane, o), f32x4.splat(-Infinity));
      return;
    }
    let acc = load4(at(srcPlane, h0 * W), ws, sW);
    let nan = f32x4.ne(acc, acc);
    for (let ih = h0; ih < h1; ih++) {
      const row = at(srcPlane, ih * W);
      for (let kj = 0; kj < kW; kj++) {
        const v = load4(row, ws + kj, sW);
        acc = f32x4.pmax(acc, v);
        nan = v128.or(nan, f32x4.ne(v, v));
      }
    }
    v128.store(at(dstPlane, o), v128.bitselect(f32x4.splat(NaN), acc, nan));
    return;
  }
  if (mode == 1) {
    let acc = f32x4.splat(0);
    for (let ih = h0; ih < h1; ih++) {
      const row = at(srcPlane, ih * W);
      for (let kj = 0; kj < kW; kj++) acc = f32x4.add(acc, load4(row, ws + kj, sW));
    }
    v128.store(at(dstPlane, o), f32x4.mul(acc, f32x4.splat(inv)));
    return;
  }
  if (mode == 3) {
    const g = f32x4.mul(v128.load(at(srcPlane, o)), f32x4.splat(inv));
    for (let ih = h0; ih < h1; ih++) {
      const row = at(dstPlane, ih * W);
      for (let kj = 0; kj < kW; kj++) add4(row, ws + kj, sW, g);
    }
    return;
  }
  // Max backward: recompute each lane's first maximum, then route dy there.
  if (h1 <= h0) return;
  const lanes = i32x4(0, sW, 2 * sW, 3 * sW);
  let best = load4(at(xPlane, h0 * W), ws, sW);
  let where = i32x4.add(i32x4.splat(h0 * W + ws), lanes);
  for (let ih = h0; ih < h1; ih++) {
    const row = at(xPlane, ih * W);
    for (let kj = 0; kj < kW; kj++) {
      const v = load4(row, ws + kj, sW);
      const nanOverNumber = v128.andnot(f32x4.ne(v, v), f32x4.ne(best, best));
      const better = v128.or(f32x4.gt(v, best), nanOverNumber);
      best = v128.bitselect(v, best, better);
      where = v128.bitselect(i32x4.add(i32x4.splat(ih * W + ws + kj), lanes), where, better);
    }
  }
  const g = v128.load(at(srcPlane, o));
  scatterLane(dstPlane, i32x4.extract_lane(where, 0), f32x4.extract_lane(g, 0));
  scatterLane(dstPlane, i32x4.extract_lane(where, 1), f32x4.extract_lane(g, 1));
  scatterLane(dstPlane, i32x4.extract_lane(where, 2), f32x4.extract_lane(g, 2));
  scatterLane(dstPlane, i32x4.extract_lane(where, 3), f32x4.extract_lane(g, 3));
}

@inline function scatterLane(plane: usize, i: i32, g: f32): void {
  const d = at(plane, i);
  store<f32>(d, load<f32>(d) + g);
}

/**
 * One kernel for the four pooling passes (mode 0 = max forward, 1 = avg forward, 2 = max
 * backward, 3 = avg backward) so that the window arithmetic exists once. Forward: src = x,
 * dst = y. Backward: src = dy, dst = dx (zeroed here), x is the forward input (max only).
 * Runs of four outputs whose windows are inside the row go through pool4 (strides 1 and 2,
 * windows narrower than 8, where per-output SIMD does not pay); the rest one by one.
 */
export function pool2d(
  mode: i32, x: usize, src: usize, dst: usize,
  H: i32, W: i32, Ho: i32, Wo: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32,
  countIncludePad: bool, p0: i32, p1: i32,
): void {
  if (
    (mode == 1 || mode == 3) && kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 &&
    H % 2 == 0 && W % 8 == 0
  ) {
    if (mode == 1) avgPool2x2(src, dst, H, W, p0, p1);
    else avgPool2x2Backward(src, dst, H, W, p0, p1);
    return;
  }
  const backward = mode >= 2;
  const isMax = mode == 0 || mode == 2;
  const vector = (sW == 1 || sW == 2) && kW < 8;
  for (let p = p0; p < p1; p++) {
    const inPlane = <usize>(p * H * W) << 2;
    const outPlane = <usize>(p * Ho * Wo) << 2;
    if (backward) memory.fill(dst + inPlane, 0, <usize>(H * W) << 2);
    const xPlane = x + inPlane;
    const srcPlane = src + (backward ? outPlane : inPlane);
    const dstPlane = dst + (backward ? inPlane : outPlane);
    for (let oh = 0; oh < Ho; oh++) {
      const hs = oh * sH - pH;
      const h0 = max(hs, 0);
      const h1 = min(hs + kH, H);
      const hPad = min(hs + kH, H + pH) - hs;
      let ow = 0;
      while (ow < Wo) {
        const ws = ow * sW - pW;
        const o = oh * Wo + ow;
        // Four whole windows inside the row, and (stride 2) both loaded vectors too.
        if (vector && ow + 4 <= Wo && ws >= 0 && ws + 3 * sW + kW <= W && (sW == 1 || ws + kW + 7 <= W)) {
          const count = countIncludePad ? hPad * kW : (h1 - h0) * kW;
          const inv: f32 = isMax || count <= 0 ? 0 : 1 / <f32>count;
          if (mode == 0) pool4(0, xPlane, srcPlane, dstPlane, o, ws, W, h0, h1, kW, sW, inv);
          else if (mode == 1) pool4(1, xPlane, srcPlane, dstPlane, o, ws, W, h0, h1, kW, sW, inv);
          else if (mode == 2) pool4(2, xPlane, srcPlane, dstPlane, o, ws, W, h0, h1, kW, sW, inv);
          else pool4(3, xPlane, srcPlane, dstPlane, o, ws, W, h0, h1, kW, sW, inv);
          ow += 4;
          continue;
        }
        const w0 = max(ws, 0);
        const w1 = min(ws + kW, W);
        if (isMax) {
          const best = argmaxWindow(xPlane, H, W, h0, h1, w0, w1);
          if (backward) {
            if (best >= 0) scatterLane(dstPlane, best, load<f32>(at(srcPlane, o)));
          } else {
            store<f32>(at(dstPlane, o), best >= 0 ? load<f32>(at(srcPlane, best)) : -Infinity);
          }
        } else {
          const count = countIncludePad ? hPad * (min(ws + kW, W + pW) - ws) : (h1 - h0) * (w1 - w0);
          const inv: f32 = count > 0 ? 1 / <f32>count : 0;
          if (backward) {
            const g = load<f32>(at(srcPlane, o)) * inv;
            for (let ih = h0; ih < h1; ih++) rowAdd(at(dstPlane, ih * W + w0), w1 - w0, g);
          } else {
            let s: f32 = 0;
            for (let ih = h0; ih < h1; ih++) s += rowSum(at(srcPlane, ih * W + w0), w1 - w0);
            store<f32>(at(dstPlane, o), s * inv);
          }
        }
        ow++;
      }
    }
  }
}

/**
 * The 2×2, stride-2 average pool of a ResNet's shortcut (even H, W a multiple of 8): a run of
 * eight values of two rows is four whole windows. The general loop spends most of its time
 * deciding, per four outputs, what this case knows in advance (it is about 10× slower). The
 * arithmetic is the general path's, in its order, so that results are bit for bit the same:
 * pool4's (0 + the window's values row by row) · 1/4, except for the last four windows of each
 * row, which the general path sums one by one (its two vector loads would run past the row) as
 * (0 + (0 + x00 + x01)) + (0 + x10 + x11), the order of rowSum. (A single order moved a ReLU
 * of the PyTorch cross-check across its kink.)
 */
function avgPool2x2(x: usize, y: usize, H: i32, W: i32, p0: i32, p1: i32): void {
  const zero = f32x4.splat(0);
  const quarter = f32x4.splat(0.25);
  for (let p = p0; p < p1; p++) {
    const plane = x + (<usize>(p * H * W) << 2);
    let out = y + (<usize>(p * (H >> 1) * (W >> 1)) << 2);
    for (let ih = 0; ih < H; ih += 2) {
      const r0 = plane + (<usize>(ih * W) << 2);
      const r1 = r0 + (<usize>W << 2);
      for (let iw = 0; iw < W; iw += 8) {
        const a0 = v128.load(at(r0, iw));
        const a1 = v128.load(at(r0, iw), 16);
        const b0 = v128.load(at(r1, iw));
        const b1 = v128.load(at(r1, iw), 16);
        const e0 = i32x4.shuffle(a0, a1, 0, 2, 4, 6);
        const o0 = i32x4.shuffle(a0, a1, 1, 3, 5, 7);
        const e1 = i32x4.shuffle(b0, b1, 0, 2, 4, 6);
        const o1 = i32x4.shuffle(b0, b1, 1, 3, 5, 7);
        let acc: v128;
        if (iw + 8 < W) {
          acc = f32x4.add(f32x4.add(f32x4.add(f32x4.add(zero, e0), o0), e1), o1);
        } else {
          const s0 = f32x4.add(f32x4.add(zero, e0), o0);
          const s1 = f32x4.add(f32x4.add(zero, e1), o1);
          acc = f32x4.add(f32x4.add(zero, s0), s1);
        }
        v128.store(out, f32x4.mul(acc, quarter));
        out += 16;
      }
    }
  }
}

/**
 * Its backward pass: every input pixel is in exactly one window, so dx is written once (as
 * 0 + dy/4, the general path's sum onto zeroed dx) and needs no zeroing first.
 */
function avgPool2x2Backward(dy: usize, dx: usize, H: i32, W: i32, p0: i32, p1: i32): void {
  const zero = f32x4.splat(0);
  const quarter = f32x4.splat(0.25);
  for (let p = p0; p < p1; p++) {
    const plane = dx + (<usize>(p * H * W) << 2);
    let g = dy + (<usize>(p * (H >> 1) * (W >> 1)) << 2);
    for (let ih = 0; ih < H; ih += 2) {
      const r0 = plane + (<usize>(ih * W) << 2);
      const r1 = r0 + (<usize>W << 2);
      for (let iw = 0; iw < W; iw += 8) {
        const v = f32x4.add(zero, f32x4.mul(v128.load(g), quarter));
        const lo = i32x4.shuffle(v, v, 0, 0, 1, 1);
        const hi = i32x4.shuffle(v, v, 2, 2, 3, 3);
        v128.store(at(r0, iw), lo);
        v128.store(at(r0, iw), hi, 16);
        v128.store(at(r1, iw), lo);
        v128.store(at(r1, iw), hi, 16);
        g += 16;
      }
    }
  }
}
