import type { BinaryOp, UnaryOp } from '../backend.js';
import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkLive, commonDType, output } from './validate.js';

/**
 * Elementwise ops. Binary ops broadcast like NumPy (shapes align on the right; a dimension of 1
 * stretches) and accept plain numbers on either side. Unary and binary ops may write in place
 * (`out` is one of the inputs).
 */

/** The NumPy broadcast of two shapes, or a ShapeError naming the op and both shapes. */
export function broadcastShape(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (axis ${i}: ${da} vs ${db})`,
        [a, b],
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** out = a op b, or relu(a op b) in the same pass with `relu` (see addRelu). */
export function binary(
  op: BinaryOp,
  name: string,
  a: Tensor | number,
  b: Tensor | number,
  out?: Tensor,
  relu = false,
): Tensor {
  checkOperand(name, a);
  checkOperand(name, b);
  const shape = broadcastShape(name, typeof a === 'number' ? [] : a.shape, typeof b === 'number' ? [] : b.shape);
  const dtype = commonDType(name, [a, b, out]);
  const y = output(name, shape, dtype, out, [a, b], true);
  getBackend().binary(op, a, b, y, relu);
  return y;
}

function checkOperand(op: string, v: Tensor | number): void {
  if (typeof v === 'number') return;
  if (!(v instanceof Tensor)) throw new TypeError(`${op}: operands must be tensors or numbers, got ${typeof v}`);
  checkLive(op, v);
}

/**
 * a + b elementwise, with NumPy broadcasting; either side may be a number. Writes into `out` when
 * given (which may be `a` or `b` for an in-place update), else into a new tensor.
 *
 * @example
 * ```ts
 * const y = add(x, bias.reshape([1, -1])); // [N, K] + [1, K]
 * add(x, 1, x); // in place
 * ```
 */
export const add = (a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor => binary('add', 'add', a, b, out);
/** a - b elementwise, broadcasting like `add`; may write in place into `out`. */
export const sub = (a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor => binary('sub', 'sub', a, b, out);
/** a · b elementwise, broadcasting like `add`; may write in place into `out`. */
export const mul = (a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor => binary('mul', 'mul', a, b, out);
/**
 * a / b elementwise (IEEE: x / 0 is ±Infinity or NaN), broadcasting like `add`; may write in place into `out`.
 */
export const div = (a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor => binary('div', 'div', a, b, out);
/** The larger of a and b elementwise (NaN if either is NaN), broadcasting like `add`. */
export const maximum = (a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor =>
  binary('max', 'maximum', a, b, out);
/** The smaller of a and b elementwise (NaN if either is NaN), broadcasting like `add`. */
export const minimum = (a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor =>
  binary('min', 'minimum', a, b, out);
/** a raised to the power b elementwise (`Math.pow` semantics), broadcasting like `add`. */
export const pow = (a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor => binary('pow', 'pow', a, b, out);
/**
 * relu(a + b) in one pass: the residual join of a ResNet block with its ReLU fused, bit for bit
 * add then threshold(out, 0, 0). Its backward is thresholdBackward(out, dy, 0): out > 0 exactly
 * where a + b > 0.
 */
export const addRelu = (a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor =>
  binary('add', 'addRelu', a, b, out, true);

export function unary(op: UnaryOp, x: Tensor, out?: Tensor): Tensor {
  checkOperand(op, x);
  const y = output(op, x.shape, commonDType(op, [x, out]), out, [x], true);
  getBackend().unary(op, x, y);
  return y;
}

/** -x elementwise; `out` may be `x`. */
export const neg = (x: Tensor, out?: Tensor): Tensor => unary('neg', x, out);
/** e^x elementwise; `out` may be `x`. */
export const exp = (x: Tensor, out?: Tensor): Tensor => unary('exp', x, out);
/** Natural logarithm elementwise (-Infinity at 0, NaN below); `out` may be `x`. */
export const log = (x: Tensor, out?: Tensor): Tensor => unary('log', x, out);
/** Square root elementwise (NaN below 0); `out` may be `x`. */
export const sqrt = (x: Tensor, out?: Tensor): Tensor => unary('sqrt', x, out);
/** |x| elementwise; `out` may be `x`. */
export const abs = (x: Tensor, out?: Tensor): Tensor => unary('abs', x, out);
/** max(x, 0) elementwise, with relu(NaN) = 0 (like `threshold(x, 0, 0)`); `out` may be `x`. */
export const relu = (x: Tensor, out?: Tensor): Tensor => unary('relu', x, out);
/** Hyperbolic tangent elementwise; `out` may be `x`. */
export const tanh = (x: Tensor, out?: Tensor): Tensor => unary('tanh', x, out);
/** 1 / (1 + e^-x) elementwise; `out` may be `x`. */
export const sigmoid = (x: Tensor, out?: Tensor): Tensor => unary('sigmoid', x, out);
/** x² elementwise; `out` may be `x`. */
export const square = (x: Tensor, out?: Tensor): Tensor => unary('square', x, out);
/** -1, 0 or 1 by the sign of x (sign(0) = 0, NaN stays NaN); `out` may be `x`. */
export const sign = (x: Tensor, out?: Tensor): Tensor => unary('sign', x, out);

/** out = x > th ? x : value (Torch's Threshold). */
export function threshold(x: Tensor, th: number, value: number, out?: Tensor): Tensor {
  checkOperand('threshold', x);
  const y = output('threshold', x.shape, commonDType('threshold', [x, out]), out, [x], true);
  getBackend().threshold(x, th, value, y);
  return y;
}

/** dx = x > th ? dy : 0 (the backward of threshold and ReLU). */
export function thresholdBackward(x: Tensor, dy: Tensor, th: number, out?: Tensor): Tensor {
  checkSameShape('thresholdBackward', x, dy);
  const dx = output('thresholdBackward', x.shape, commonDType('thresholdBackward', [x, dy, out]), out, [dy], true);
  if (dx !== dy) output('thresholdBackward', x.shape, dx.dtype, dx, [x]);
  getBackend().thresholdBackward(x, dy, th, dx);
  return dx;
}

/** out = beta * out + alpha * x, in place (x and out of the same size); returns out. */
export function axpby(alpha: number, x: Tensor, beta: number, out: Tensor): Tensor {
  checkSameSize('axpby', x, out);
  commonDType('axpby', [x, out]);
  output('axpby', out.shape, out.dtype, out, [x], true);
  getBackend().axpby(alpha, x, beta, out);
  return out;
}

/** Sets every element of `t` to `value`; returns t. */
export function fill(t: Tensor, value: number): Tensor {
  checkOperand('fill', t);
  getBackend().fill(t, value);
  return t;
}

/** Copies src into dst (same number of elements, shapes may differ); returns dst. */
export function copy(src: Tensor, dst: Tensor): Tensor {
  checkSameSize('copy', src, dst);
  commonDType('copy', [src, dst]);
  if (src === dst) return dst;
  output('copy', dst.shape, dst.dtype, dst, [src]);
  getBackend().copy(src, dst);
  return dst;
}

/** A new tensor on the active backend with the same shape, dtype and values. */
export function clone(t: Tensor): Tensor {
  checkOperand('clone', t);
  const y = Tensor.empty(t.shape, t.dtype);
  getBackend().copy(t, y);
  return y;
}

function checkSameShape(op: string, a: Tensor, b: Tensor): void {
  checkOperand(op, a);
  checkOperand(op, b);
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(op, `shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} differ`, [a.shape, b.shape]);
  }
}

function checkSameSize(op: string, a: Tensor, b: Tensor): void {
  checkOperand(op, a);
  checkOperand(op, b);
  if (a.size !== b.size) {
    throw new ShapeError(
      op,
      `sizes differ: ${formatShape(a.shape)} (${a.size}) vs ${formatShape(b.shape)} (${b.size})`,
      [a.shape, b.shape],
    );
  }
}
