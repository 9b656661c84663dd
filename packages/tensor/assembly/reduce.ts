/**
 * Reductions over the middle axis of a tensor viewed as [outer, mid, inner]. Any set of
 * contiguous axes is one such view; the JS side chains passes for non-contiguous sets.
 *
 * Sums along a contiguous run are accurate (util.sumRun: short f32 vector blocks, f64 total).
 */

import { at, sumRun } from './util';

const SUM = 0;
const MAX = 1;
const MIN = 2;

@inline function combine(op: i32, a: v128, b: v128): v128 {
  return op == SUM ? f32x4.add(a, b) : op == MAX ? f32x4.max(a, b) : f32x4.min(a, b);
}

@inline function combineScalar(op: i32, a: f32, b: f32): f32 {
  return op == SUM ? a + b : op == MAX ? max(a, b) : min(a, b);
}

@inline function horizontal(op: i32, v: v128): f32 {
  const a = combineScalar(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1));
  const b = combineScalar(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3));
  return combineScalar(op, a, b);
}

/** Reduces n contiguous elements (n ≥ 1). */
@inline function reduceRun(op: i32, x: usize, n: i32): f64 {
  if (op == SUM) return sumRun(x, n);
  const first = load<f32>(x);
  let v = f32x4.splat(first);
  let i = 0;
  for (; i + 4 <= n; i += 4) v = combine(op, v, v128.load(at(x, i)));
  let r = horizontal(op, v);
  for (; i < n; i++) r = combineScalar(op, r, load<f32>(at(x, i)));
  return <f64>r;
}

@inline function reduceLoop(op: i32, x: usize, out: usize, outer: i32, mid: i32, inner: i32, scale: f32): void {
  const plane = <usize>(mid * inner) << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * plane;
    const oo = at(out, o * inner);
    if (inner == 1) {
      store<f32>(oo, <f32>(reduceRun(op, xo, mid) * <f64>scale));
      continue;
    }
    // Rows of `inner` elements combined elementwise into the output row.
    memory.copy(oo, xo, <usize>inner << 2);
    for (let m = 1; m < mid; m++) {
      const xm = xo + (<usize>(m * inner) << 2);
      let i = 0;
      for (; i + 4 <= inner; i += 4) v128.store(at(oo, i), combine(op, v128.load(at(oo, i)), v128.load(at(xm, i))));
      for (; i < inner; i++) store<f32>(at(oo, i), combineScalar(op, load<f32>(at(oo, i)), load<f32>(at(xm, i))));
    }
    if (scale != 1) {
      const sv = f32x4.splat(scale);
      let i = 0;
      for (; i + 4 <= inner; i += 4) v128.store(at(oo, i), f32x4.mul(v128.load(at(oo, i)), sv));
      for (; i < inner; i++) store<f32>(at(oo, i), load<f32>(at(oo, i)) * scale);
    }
  }
}

/**
 * out[o, i] = scale · reduce_m x[o, m, i] for op 0 = sum, 1 = max, 2 = min (mid ≥ 1).
 * `scale` turns a sum into a mean (max/min pass 1).
 */
export function reduce(op: i32, x: usize, out: usize, outer: i32, mid: i32, inner: i32, scale: f32): void {
  if (op == SUM) reduceSum(x, out, outer, mid, inner, scale);
  else if (op == MAX) reduceMax(x, out, outer, mid, inner, scale);
  else reduceMin(x, out, outer, mid, inner, scale);
}

/*
 * One function per op: with the inlined loops directly in reduce's arms, Binaryen merged them
 * into one loop that chose the op per element (elementwise.ts says more).
 */
function reduceSum(x: usize, out: usize, outer: i32, mid: i32, inner: i32, scale: f32): void {
  reduceLoop(SUM, x, out, outer, mid, inner, scale);
}
function reduceMax(x: usize, out: usize, outer: i32, mid: i32, inner: i32, scale: f32): void {
  reduceLoop(MAX, x, out, outer, mid, inner, scale);
}
function reduceMin(x: usize, out: usize, outer: i32, mid: i32, inner: i32, scale: f32): void {
  reduceLoop(MIN, x, out, outer, mid, inner, scale);
}

/**
 * out[o, i] = index of the maximum of x[o, ·, i] (first on ties; the first NaN wins, as NumPy),
 * stored as an f32 integer.
 */
export function argmax(x: usize, out: usize, outer: i32, mid: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = at(x, o * mid * inner + i);
      let best = 0;
      let bestValue = load<f32>(base);
      for (let m = 1; m < mid && bestValue == bestValue; m++) {
        const v = load<f32>(base + (<usize>(m * inner) << 2));
        if (v > bestValue || v != v) {
          best = m;
          bestValue = v;
        }
      }
      store<f32>(at(out, o * inner + i), <f32>best);
    }
  }
}
