import type { BinaryOp, UnaryOp } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { type WasmContext, withOperands } from './operands.js';
import { elements, parallelSlices, type SliceKernel } from './threads/parallel.js';

/**
 * Runs a flat elementwise kernel over n elements, split into slices for the threads: `f32Args`
 * marks the arguments that are f32 arrays (advanced 4 bytes per element), and the count is the
 * last argument. Slices are multiples of 16 elements (64 bytes: no two threads write one cache
 * line), so vector loops and tails see the same elements whatever the split.
 */
function flat(
  ctx: WasmContext,
  name: SliceKernel,
  args: readonly number[],
  f32Args: readonly boolean[],
  n: number,
): void {
  const unitBytes = [...f32Args.map((isArray) => (isArray ? 4 : 0)), 0];
  parallelSlices(ctx.kernels, ctx.arena, name, [...args, n], unitBytes, args.length, n, {
    work: elements(n),
    align: 16,
  });
}

/** Op codes: the position in these lists is the constant in assembly/elementwise.ts. */
const UNARY_CODES: Record<UnaryOp, number> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  abs: 4,
  relu: 5,
  tanh: 6,
  sigmoid: 7,
  square: 8,
  sign: 9,
};
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, pow: 6 };

function unaryCode(op: UnaryOp): number {
  const code = UNARY_CODES[op];
  if (code === undefined) throw new Error(`wasm.unary: unknown op '${op as string}'`);
  return code;
}

function binaryCode(op: BinaryOp): number {
  const code = BINARY_CODES[op];
  if (code === undefined) throw new Error(`wasm.binary: unknown op '${op as string}'`);
  return code;
}

export function fill(ctx: WasmContext, out: Tensor, value: number): void {
  withOperands(ctx, (io) => flat(ctx, 'fill', [io.out(out), value], [true, false], out.size));
}

export function copy(ctx: WasmContext, src: Tensor, dst: Tensor): void {
  withOperands(ctx, (io) => flat(ctx, 'copy', [io.in(src), io.out(dst)], [true, true], dst.size));
}

export function unary(ctx: WasmContext, op: UnaryOp, x: Tensor, out: Tensor): void {
  const code = unaryCode(op);
  withOperands(ctx, (io) => flat(ctx, 'unary', [code, io.in(x), io.out(out)], [false, true, true], out.size));
}

/**
 * How a broadcast operand of `shape` lines up with `outShape` when it is not the same size:
 * its non-1 dimensions must be one contiguous run of out's dimensions, so that out reads as
 * [outer, mid, inner] with the operand of size mid repeated over outer and inner (a scalar-like
 * operand is outer = mid = 1). Returns null for any other broadcast (e.g. [N,1] against [1,M]).
 */
export function broadcastPattern(
  shape: readonly number[],
  outShape: readonly number[],
): [number, number, number] | null {
  const rank = outShape.length;
  if (shape.length > rank) return null;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  let first = -1;
  let last = -1;
  for (let i = 0; i < rank; i++) {
    if (padded[i] !== 1) {
      if (first < 0) first = i;
      last = i;
    }
  }
  let total = 1;
  for (const d of outShape) total *= d;
  if (first < 0) return [1, 1, total];
  let outer = 1;
  let mid = 1;
  let inner = 1;
  for (let i = 0; i < rank; i++) {
    if (i < first) outer *= outShape[i];
    else if (i > last) inner *= outShape[i];
    else {
      if (padded[i] !== outShape[i]) return null;
      mid *= outShape[i];
    }
  }
  return [outer, mid, inner];
}

/**
 * out = a op b (rectified when `relu`). Same-size operands, a scalar, and a broadcast operand
 * whose shape is a contiguous run of out's (per-channel [C,1,1] against NCHW, a bias [D]
 * against [N,D]) run in wasm; any other broadcast, and number op number, are rare and go to
 * the reference kernel.
 */
export function binary(
  ctx: WasmContext,
  op: BinaryOp,
  a: Tensor | number,
  b: Tensor | number,
  out: Tensor,
  relu = false,
): void {
  const code = binaryCode(op);
  const n = out.size;
  const k = ctx.kernels;
  const r = relu ? 1 : 0;
  if (n === 0) return;
  const aFull = typeof a !== 'number' && a.size === n;
  const bFull = typeof b !== 'number' && b.size === n;
  if (aFull && bFull) {
    withOperands(ctx, (io) =>
      flat(ctx, 'binary', [code, io.in(a), io.in(b), io.out(out), r], [false, true, true, true, false], n),
    );
    return;
  }
  // One full operand and one "part": a number or a tensor broadcast along a contiguous run.
  const full = aFull ? a : bFull ? b : null;
  const part = aFull ? b : a;
  const pattern =
    full === null ? null : typeof part === 'number' ? ([1, 1, n] as const) : broadcastPattern(part.shape, out.shape);
  if (full === null || pattern === null) {
    ctx.reference.binary(op, a, b, out, relu);
    return;
  }
  withOperands(ctx, (io) => {
    const partPtr = typeof part === 'number' ? io.scratch([part]) : io.in(part);
    const [outer, mid, inner] = pattern;
    const args = [code, io.in(full), partPtr, aFull ? 0 : 1, io.out(out), outer, mid, inner, r];
    const split = { work: elements(n) };
    if (outer > 1) {
      // Split over the outer axis: full and out advance by a [mid, inner] block per unit.
      const block = mid * inner * 4;
      parallelSlices(k, ctx.arena, 'binaryBroadcast', args, [0, block, 0, 0, block, 0, 0, 0, 0], 5, outer, split);
    } else if (mid === 1) {
      // A scalar against a run: split the run.
      parallelSlices(k, ctx.arena, 'binaryBroadcast', args, [0, 4, 0, 0, 4, 0, 0, 0, 0], 7, inner, {
        ...split,
        align: 16,
      });
    } else {
      k.binaryBroadcast(code, io.in(full), partPtr, aFull ? 0 : 1, io.out(out), outer, mid, inner, r);
    }
  });
}

/**
 * The float32 t for which x > t exactly when x > th, for every float32 x: th itself when it is
 * a float32, else the float32 just below it. So a threshold given as a double (0.1, or a
 * denormal double that rounds to 0) splits the float32 values exactly as the reference's
 * double comparison does. Other number operands are simply rounded to float32.
 */
export function float32Threshold(th: number): number {
  const t = Math.fround(th);
  if (!(t > th)) return t;
  if (t === 0) return -1.401298464324817e-45; // below ±0: the negative denormal closest to 0
  const bits = new Int32Array(new Float32Array([t]).buffer);
  bits[0] += t > 0 ? -1 : 1; // one step towards -Infinity
  return new Float32Array(bits.buffer)[0];
}

export function threshold(ctx: WasmContext, x: Tensor, th: number, value: number, out: Tensor): void {
  const t = float32Threshold(th);
  withOperands(ctx, (io) =>
    flat(ctx, 'threshold', [io.in(x), t, value, io.out(out)], [true, false, false, true], out.size),
  );
}

export function thresholdBackward(ctx: WasmContext, x: Tensor, dy: Tensor, th: number, dx: Tensor): void {
  const t = float32Threshold(th);
  withOperands(ctx, (io) =>
    flat(ctx, 'thresholdBackward', [io.in(x), io.in(dy), t, io.out(dx)], [true, true, false, true], dx.size),
  );
}

export function axpby(ctx: WasmContext, alpha: number, x: Tensor, beta: number, out: Tensor): void {
  withOperands(ctx, (io) =>
    flat(ctx, 'axpby', [alpha, io.in(x), beta, io.out(out, beta !== 0)], [false, true, false, true], out.size),
  );
}
