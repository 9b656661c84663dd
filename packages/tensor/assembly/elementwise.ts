/**
 * Elementwise kernels: fill, copy, unary and binary ops, threshold (ReLU) and its backward,
 * axpby. Every loop runs four lanes at a time with a scalar tail.
 *
 * The op is an i32 code. Each exported entry point switches on it once and calls a small
 * function per op (`unaryExp`, `binaryAdd`, …) that calls the one @inline loop with the code
 * as a literal, so that each op gets its own specialised loop without writing it out by hand.
 * The one-line functions are needed: with the inlined loops directly in the switch arms,
 * Binaryen's -O3 merges the arms, which differ only in the literal, back into one loop with a
 * per-element dispatch on the op (README, "Specialisation by literals").
 */

import { reluScalar, reluVec } from './relu';
import { at } from './util';

// Unary op codes (the order of UNARY_OPS in src/backends/wasm/elementwise.ts).
const NEG = 0;
const EXP = 1;
const LOG = 2;
const SQRT = 3;
const ABS = 4;
const RELU = 5;
const TANH = 6;
const SIGMOID = 7;
const SQUARE = 8;
const SIGN = 9;

// Binary op codes (the order of BINARY_OPS in src/backends/wasm/elementwise.ts).
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;
const MIN = 5;
const POW = 6;

export function fill(out: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), v);
  for (; i < n; i++) store<f32>(at(out, i), value);
}

export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

/** 1 when the n 32-bit words at a and b are the same bits (NaN payloads and −0 included), else 0. */
export function sameBits(a: usize, b: usize, n: i32): i32 {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    if (!i32x4.all_true(i32x4.eq(v128.load(at(a, i)), v128.load(at(b, i))))) return 0;
  }
  for (; i < n; i++) if (load<i32>(at(a, i)) != load<i32>(at(b, i))) return 0;
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Unary

@inline function unaryScalar(op: i32, x: f32): f32 {
  switch (op) {
    case NEG: return -x;
    case EXP: return Mathf.exp(x);
    case LOG: return Mathf.log(x);
    case SQRT: return Mathf.sqrt(x);
    case ABS: return Mathf.abs(x);
    case RELU: return x > 0 ? x : 0; // relu(NaN) = 0, as Torch's Threshold(0, 0)
    case TANH: return Mathf.tanh(x);
    case SIGMOID: return 1 / (1 + Mathf.exp(-x));
    case SQUARE: return x * x;
    default: return x > 0 ? 1 : x < 0 ? -1 : x; // SIGN: ±0 and NaN map to themselves
  }
}

/** Whether an op has a SIMD form; the transcendental ones run lane by lane through Mathf. */
@inline function unaryIsSimd(op: i32): bool {
  return op == NEG || op == SQRT || op == ABS || op == RELU || op == SQUARE || op == SIGN;
}

@inline function unaryVec(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case SQRT: return f32x4.sqrt(x);
    case ABS: return f32x4.abs(x);
    case RELU: return f32x4.pmax(f32x4.splat(0), x); // pmax(0, x) = 0 < x ? x : 0, so NaN → 0
    case SQUARE: return f32x4.mul(x, x);
    default: {
      // SIGN: select +1 where x > 0, -1 where x < 0, else x itself (±0, NaN).
      const neg = v128.bitselect(f32x4.splat(-1), x, f32x4.lt(x, f32x4.splat(0)));
      return v128.bitselect(f32x4.splat(1), neg, f32x4.gt(x, f32x4.splat(0)));
    }
  }
}

@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (unaryIsSimd(op)) {
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), unaryVec(op, v128.load(at(x, i))));
  }
  for (; i < n; i++) store<f32>(at(out, i), unaryScalar(op, load<f32>(at(x, i))));
}

/** out = op(x); may be in place. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryNeg(x, out, n); break;
    case EXP: unaryExp(x, out, n); break;
    case LOG: unaryLog(x, out, n); break;
    case SQRT: unarySqrt(x, out, n); break;
    case ABS: unaryAbs(x, out, n); break;
    case RELU: unaryRelu(x, out, n); break;
    case TANH: unaryTanh(x, out, n); break;
    case SIGMOID: unarySigmoid(x, out, n); break;
    case SQUARE: unarySquare(x, out, n); break;
    default: unarySign(x, out, n); break;
  }
}

function unaryNeg(x: usize, out: usize, n: i32): void { unaryLoop(NEG, x, out, n); }
function unaryExp(x: usize, out: usize, n: i32): void { unaryLoop(EXP, x, out, n); }
function unaryLog(x: usize, out: usize, n: i32): void { unaryLoop(LOG, x, out, n); }
function unarySqrt(x: usize, out: usize, n: i32): void { unaryLoop(SQRT, x, out, n); }
function unaryAbs(x: usize, out: usize, n: i32): void { unaryLoop(ABS, x, out, n); }
function unaryRelu(x: usize, out: usize, n: i32): void { unaryLoop(RELU, x, out, n); }
function unaryTanh(x: usize, out: usize, n: i32): void { unaryLoop(TANH, x, out, n); }
function unarySigmoid(x: usize, out: usize, n: i32): void { unaryLoop(SIGMOID, x, out, n); }
function unarySquare(x: usize, out: usize, n: i32): void { unaryLoop(SQUARE, x, out, n); }
function unarySign(x: usize, out: usize, n: i32): void { unaryLoop(SIGN, x, out, n); }

// ---------------------------------------------------------------------------------------------
// Binary

@inline function binaryScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case MAX: return max(a, b); // wasm f32.max/min propagate NaN (as Math.max) and order -0 < +0
    case MIN: return min(a, b);
    default: return Mathf.pow(a, b);
  }
}

@inline function binaryVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAX: return f32x4.max(a, b);
    case MIN: return f32x4.min(a, b);
    default: {
      let r = f32x4.splat(Mathf.pow(f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0)));
      r = f32x4.replace_lane(r, 1, Mathf.pow(f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1)));
      r = f32x4.replace_lane(r, 2, Mathf.pow(f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2)));
      return f32x4.replace_lane(r, 3, Mathf.pow(f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3)));
    }
  }
}

@inline function sameLoop(op: i32, a: usize, b: usize, out: usize, relu: bool, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(at(out, i), reluVec(binaryVec(op, v128.load(at(a, i)), v128.load(at(b, i))), relu));
  }
  for (; i < n; i++) {
    store<f32>(at(out, i), reluScalar(binaryScalar(op, load<f32>(at(a, i)), load<f32>(at(b, i))), relu));
  }
}

/** out = a op b (rectified when `relu`), all of n elements; may be in place on a or b. */
export function binary(op: i32, a: usize, b: usize, out: usize, relu: bool, n: i32): void {
  switch (op) {
    case ADD: binaryAdd(a, b, out, relu, n); break;
    case SUB: binarySub(a, b, out, relu, n); break;
    case MUL: binaryMul(a, b, out, relu, n); break;
    case DIV: binaryDiv(a, b, out, relu, n); break;
    case MAX: binaryMax(a, b, out, relu, n); break;
    case MIN: binaryMin(a, b, out, relu, n); break;
    default: binaryPow(a, b, out, relu, n); break;
  }
}

function binaryAdd(a: usize, b: usize, out: usize, relu: bool, n: i32): void { sameLoop(ADD, a, b, out, relu, n); }
function binarySub(a: usize, b: usize, out: usize, relu: bool, n: i32): void { sameLoop(SUB, a, b, out, relu, n); }
function binaryMul(a: usize, b: usize, out: usize, relu: bool, n: i32): void { sameLoop(MUL, a, b, out, relu, n); }
function binaryDiv(a: usize, b: usize, out: usize, relu: bool, n: i32): void { sameLoop(DIV, a, b, out, relu, n); }
function binaryMax(a: usize, b: usize, out: usize, relu: bool, n: i32): void { sameLoop(MAX, a, b, out, relu, n); }
function binaryMin(a: usize, b: usize, out: usize, relu: bool, n: i32): void { sameLoop(MIN, a, b, out, relu, n); }
function binaryPow(a: usize, b: usize, out: usize, relu: bool, n: i32): void { sameLoop(POW, a, b, out, relu, n); }

/**
 * The broadcasting loop. `full` has shape [outer, mid, inner]; `part` has shape [mid] and is
 * repeated over outer and inner. `partLeft` says whether part is the left operand.
 */
@inline function broadcastLoop(
  op: i32, full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  let f = full;
  let o = out;
  for (let r = 0; r < outer; r++) {
    if (inner == 1) {
      // part runs along the row: vector against vector.
      let i = 0;
      for (; i + 4 <= mid; i += 4) {
        const x = v128.load(at(f, i));
        const y = v128.load(at(part, i));
        v128.store(at(o, i), reluVec(partLeft ? binaryVec(op, y, x) : binaryVec(op, x, y), relu));
      }
      for (; i < mid; i++) {
        const x = load<f32>(at(f, i));
        const y = load<f32>(at(part, i));
        store<f32>(at(o, i), reluScalar(partLeft ? binaryScalar(op, y, x) : binaryScalar(op, x, y), relu));
      }
    } else {
      // One part value against a run of `inner` elements.
      for (let m = 0; m < mid; m++) {
        const ys = load<f32>(at(part, m));
        const y = f32x4.splat(ys);
        const fm = f + (<usize>(m * inner) << 2);
        const om = o + (<usize>(m * inner) << 2);
        let i = 0;
        for (; i + 4 <= inner; i += 4) {
          const x = v128.load(at(fm, i));
          v128.store(at(om, i), reluVec(partLeft ? binaryVec(op, y, x) : binaryVec(op, x, y), relu));
        }
        for (; i < inner; i++) {
          const x = load<f32>(at(fm, i));
          store<f32>(at(om, i), reluScalar(partLeft ? binaryScalar(op, ys, x) : binaryScalar(op, x, ys), relu));
        }
      }
    }
    f += <usize>(mid * inner) << 2;
    o += <usize>(mid * inner) << 2;
  }
}

/**
 * out[o, m, i] = full[o, m, i] op part[m] (or part[m] op full[o, m, i] when partLeft). Covers a
 * scalar (outer = mid = 1), a per-channel tensor against NCHW ([C,1,1]: outer N, mid C, inner
 * H·W) and a trailing vector ([D] against [N, D]: inner 1). May be in place on full.
 * Rectified when `relu`, as binary.
 */
export function binaryBroadcast(
  op: i32, full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  switch (op) {
    case ADD: broadcastAdd(full, part, partLeft, out, outer, mid, inner, relu); break;
    case SUB: broadcastSub(full, part, partLeft, out, outer, mid, inner, relu); break;
    case MUL: broadcastMul(full, part, partLeft, out, outer, mid, inner, relu); break;
    case DIV: broadcastDiv(full, part, partLeft, out, outer, mid, inner, relu); break;
    case MAX: broadcastMax(full, part, partLeft, out, outer, mid, inner, relu); break;
    case MIN: broadcastMin(full, part, partLeft, out, outer, mid, inner, relu); break;
    default: broadcastPow(full, part, partLeft, out, outer, mid, inner, relu); break;
  }
}

function broadcastAdd(
  full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  broadcastLoop(ADD, full, part, partLeft, out, outer, mid, inner, relu);
}
function broadcastSub(
  full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  broadcastLoop(SUB, full, part, partLeft, out, outer, mid, inner, relu);
}
function broadcastMul(
  full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  broadcastLoop(MUL, full, part, partLeft, out, outer, mid, inner, relu);
}
function broadcastDiv(
  full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  broadcastLoop(DIV, full, part, partLeft, out, outer, mid, inner, relu);
}
function broadcastMax(
  full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  broadcastLoop(MAX, full, part, partLeft, out, outer, mid, inner, relu);
}
function broadcastMin(
  full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  broadcastLoop(MIN, full, part, partLeft, out, outer, mid, inner, relu);
}
function broadcastPow(
  full: usize, part: usize, partLeft: bool, out: usize, outer: i32, mid: i32, inner: i32, relu: bool,
): void {
  broadcastLoop(POW, full, part, partLeft, out, outer, mid, inner, relu);
}

// ---------------------------------------------------------------------------------------------
// Threshold, axpby

/** out = x > th ? x : value; may be in place. */
export function threshold(x: usize, th: f32, value: f32, out: usize, n: i32): void {
  const tv = f32x4.splat(th);
  const vv = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(x, i));
    v128.store(at(out, i), v128.bitselect(v, vv, f32x4.gt(v, tv)));
  }
  for (; i < n; i++) {
    const v = load<f32>(at(x, i));
    store<f32>(at(out, i), v > th ? v : value);
  }
}

/** dx = x > th ? dy : 0; may be in place on dy. */
export function thresholdBackward(x: usize, dy: usize, th: f32, dx: usize, n: i32): void {
  const tv = f32x4.splat(th);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(at(dx, i), v128.and(v128.load(at(dy, i)), f32x4.gt(v128.load(at(x, i)), tv)));
  }
  for (; i < n; i++) store<f32>(at(dx, i), load<f32>(at(x, i)) > th ? load<f32>(at(dy, i)) : 0);
}

/** out = beta·out + alpha·x; with beta = 0 the old out is not read (it may hold NaN). */
export function axpby(alpha: f32, x: usize, beta: f32, out: usize, n: i32): void {
  const av = f32x4.splat(alpha);
  const bv = f32x4.splat(beta);
  let i = 0;
  if (beta == 0) {
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.mul(av, v128.load(at(x, i))));
    for (; i < n; i++) store<f32>(at(out, i), alpha * load<f32>(at(x, i)));
  } else {
    for (; i + 4 <= n; i += 4) {
      const o = at(out, i);
      v128.store(o, f32x4.add(f32x4.mul(bv, v128.load(o)), f32x4.mul(av, v128.load(at(x, i)))));
    }
    for (; i < n; i++) {
      const o = at(out, i);
      store<f32>(o, beta * load<f32>(o) + alpha * load<f32>(at(x, i)));
    }
  }
}
