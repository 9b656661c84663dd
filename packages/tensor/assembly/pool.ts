/**
 * Max and average pooling over planes (N·C planes of H×W), forward and backward.
 * Planes are independent: [p0, p1) is the unit of parallel work.
 *
 * Window (oh, ow) covers rows [oh·sH − pH, +kH) and columns [ow·sW − pW, +kW), clipped to the
 * input. Average pooling divides by the window clipped to the padded input (countIncludePad,
 * Torch's default) or by the number of input elements in it. Max pooling ignores padding;
 * the first maximum wins and a NaN counts as the maximum (Torch). Window rows of four or more
 * elements are scanned with SIMD (the global average pool of a ResNet head is one big window).
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

/**
 * One kernel for the four pooling passes (mode 0 = max forward, 1 = avg forward, 2 = max
 * backward, 3 = avg backward) so that the window arithmetic exists once. Forward: src = x,
 * dst = y. Backward: src = dy, dst = dx (zeroed here), x is the forward input (max only).
 */
export function pool2d(
  mode: i32, x: usize, src: usize, dst: usize,
  H: i32, W: i32, Ho: i32, Wo: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32,
  countIncludePad: bool, p0: i32, p1: i32,
): void {
  const backward = mode >= 2;
  const isMax = mode == 0 || mode == 2;
  for (let p = p0; p < p1; p++) {
    const inPlane = <usize>(p * H * W) << 2;
    const outPlane = <usize>(p * Ho * Wo) << 2;
    if (backward) memory.fill(dst + inPlane, 0, <usize>(H * W) << 2);
    for (let oh = 0; oh < Ho; oh++) {
      const hs = oh * sH - pH;
      const h0 = max(hs, 0);
      const h1 = min(hs + kH, H);
      const hPad = min(hs + kH, H + pH) - hs;
      for (let ow = 0; ow < Wo; ow++) {
        const ws = ow * sW - pW;
        const w0 = max(ws, 0);
        const w1 = min(ws + kW, W);
        const o = oh * Wo + ow;
        if (isMax) {
          const best = argmaxWindow(x + inPlane, H, W, h0, h1, w0, w1);
          if (backward) {
            if (best >= 0) {
              const d = at(dst + inPlane, best);
              store<f32>(d, load<f32>(d) + load<f32>(at(src + outPlane, o)));
            }
          } else {
            store<f32>(at(dst + outPlane, o), best >= 0 ? load<f32>(at(src + inPlane, best)) : -Infinity);
          }
          continue;
        }
        const count = countIncludePad ? hPad * (min(ws + kW, W + pW) - ws) : (h1 - h0) * (w1 - w0);
        const inv: f32 = count > 0 ? 1 / <f32>count : 0;
        if (backward) {
          const g = load<f32>(at(src + outPlane, o)) * inv;
          for (let ih = h0; ih < h1; ih++) rowAdd(at(dst + inPlane, ih * W + w0), w1 - w0, g);
        } else {
          let s: f32 = 0;
          for (let ih = h0; ih < h1; ih++) s += rowSum(at(src + inPlane, ih * W + w0), w1 - w0);
          store<f32>(at(dst + outPlane, o), s * inv);
        }
      }
    }
  }
}
