import type { Backend, BinaryOp, Conv2dParams, ConvEpilogue, PadMode, Pool2dParams, Tensor } from '@funt/tensor';
import type { NativeBinding } from './binding.js';

/** A float32 tensor's elements for the addon, or null when the base backend must take the call. */
function floats(t: Tensor): Float32Array | null {
  return t.dtype === 'float32' ? f32(t) : null;
}

function geometry(x: readonly number[], w: readonly number[], y: readonly number[], p: Conv2dParams): Int32Array {
  const [N, C, H, W] = x;
  const [O, , kH, kW] = w;
  return Int32Array.of(N, C, H, W, O, kH, kW, p.strideH, p.strideW, p.padH, p.padW, y[2], y[3]);
}

/** N, C and S (the product of the axes after the channel axis) of a batch norm operand [N, C, ...]. */
function planes(shape: readonly number[]): Int32Array {
  let S = 1;
  for (let i = 2; i < shape.length; i++) S *= shape[i];
  return Int32Array.of(shape[0], shape[1], S);
}

/** The addon's op codes (native/elementwise.h); the other ops go to the base backend. */
const BINARY_CODES: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };

/**
 * The addon's pooling geometry (P = N·C planes) for x [N, C, H, W] and y [N, C, Ho, Wo], or null
 * when a window may reach padding or leave the input: then the divisor varies and the base
 * backend pools.
 */
function poolGeometry(x: readonly number[], y: readonly number[], p: Pool2dParams): Int32Array | null {
  if (x.length !== 4 || p.padH !== 0 || p.padW !== 0) return null;
  const [N, C, H, W] = x;
  const [Ho, Wo] = [y[2], y[3]];
  if ((Ho - 1) * p.strideH + p.kernelH > H || (Wo - 1) * p.strideW + p.kernelW > W) return null;
  return Int32Array.of(N * C, H, W, Ho, Wo, p.kernelH, p.kernelW, p.strideH, p.strideW);
}

/** The most axes the addon pads (native/pad.h); higher ranks go to the base backend. */
const MAX_PAD_RANK = 8;

/**
 * The addon's pad geometry (x's shape, the counts before, the counts after) for a constant pad
 * of a non-empty float32 x into a non-empty float32 padded tensor, or null when the base
 * backend must take the call (reflect and replicate, rank 0 or above MAX_PAD_RANK).
 */
function padGeometry(
  x: Tensor,
  padded: Tensor,
  pads: readonly (readonly [number, number])[],
  mode: PadMode,
): Int32Array | null {
  const rank = x.shape.length;
  if ((mode !== 'zero' && mode !== 'constant') || rank === 0 || rank > MAX_PAD_RANK) return null;
  if (x.size === 0 || padded.size === 0 || !allFloats(x, padded)) return null;
  return Int32Array.from([...x.shape, ...pads.map((p) => p[0]), ...pads.map((p) => p[1])]);
}

/** The elements of an operand that allFloats has found float32. */
function f32(t: Tensor): Float32Array {
  return t.data as Float32Array;
}

/** f32 of an optional operand. */
function f32OrNull(t: Tensor | null): Float32Array | null {
  return t ? f32(t) : null;
}

/** Whether every one of the optional tensors is either absent or float32. */
function allFloats(...ts: (Tensor | null | undefined)[]): boolean {
  return ts.every((t) => !t || t.dtype === 'float32');
}

/**
 * The native backend: the base backend (wasm) with its convolution passes, batch norm, the
 * elementwise kernels of a training step (binary add/sub/mul/div, thresholdBackward, axpby,
 * fill), constant padding and average pooling over whole windows replaced by the addon's. It
 * shares the base's allocator, so tensors live in the wasm memory and every other kernel (max
 * pooling, matmul, softmax, …) runs on the base without a copy. Calls
 * the addon does not take (float64 operands, empty tensors, other binary ops and broadcasts) go
 * to the base as well.
 *
 * @param threads how many threads the kernels run on, asked at every call (the wasm setting).
 */
export function createNativeBackend(base: Backend, binding: NativeBinding, threads: () => number): Backend {
  return {
    ...base,
    name: 'native',
    dtypes: ['float32'],
    convEpilogue: true,
    conv2d(x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, p: Conv2dParams, epilogue?: ConvEpilogue): void {
      const residual = epilogue?.residual ?? null;
      const [xs, ws, ys] = [floats(x), floats(w), floats(y)];
      const bs = bias && floats(bias);
      const rs = residual && floats(residual);
      if (!xs || !ws || !ys || (bias && !bs) || (residual && !rs) || y.size === 0 || w.size === 0) {
        base.conv2d(x, w, bias, y, p, epilogue);
        return;
      }
      binding.conv2d(xs, ws, bs, rs, ys, geometry(x.shape, w.shape, y.shape, p), epilogue?.relu ?? false, threads());
    },
    conv2dBackwardData(dy: Tensor, w: Tensor, dx: Tensor, p: Conv2dParams): void {
      const [dys, ws, dxs] = [floats(dy), floats(w), floats(dx)];
      if (!dys || !ws || !dxs || dx.size === 0 || dy.size === 0 || w.size === 0) {
        base.conv2dBackwardData(dy, w, dx, p);
        return;
      }
      binding.conv2dBackwardData(dys, ws, dxs, geometry(dx.shape, w.shape, dy.shape, p), threads());
    },
    conv2dBackwardFilter(
      x: Tensor,
      dy: Tensor,
      dw: Tensor,
      db: Tensor | null,
      p: Conv2dParams,
      accumulate: boolean,
    ): void {
      const [xs, dys, dws] = [floats(x), floats(dy), floats(dw)];
      const dbs = db && floats(db);
      if (!xs || !dys || !dws || (db && !dbs) || dy.size === 0 || x.size === 0 || dw.size === 0) {
        base.conv2dBackwardFilter(x, dy, dw, db, p, accumulate);
        return;
      }
      binding.conv2dBackwardFilter(xs, dys, dws, dbs, geometry(x.shape, dw.shape, dy.shape, p), accumulate, threads());
    },
    batchNormTrain(...args: Parameters<Backend['batchNormTrain']>): void {
      const [x, gamma, beta, y, saveMean, saveInvStd, runningMean, runningVar, momentum, eps, relu, residual = null] =
        args;
      if (
        x.size === 0 ||
        x.shape.length < 2 ||
        !allFloats(x, gamma, beta, y, saveMean, saveInvStd, runningMean, runningVar, residual)
      ) {
        base.batchNormTrain(...args);
        return;
      }
      binding.batchNormTrain(
        f32(x),
        f32OrNull(gamma),
        f32OrNull(beta),
        f32(y),
        f32(saveMean),
        f32(saveInvStd),
        f32OrNull(runningMean),
        f32OrNull(runningVar),
        planes(x.shape),
        momentum,
        eps,
        relu ?? false,
        f32OrNull(residual),
        threads(),
      );
    },
    batchNormApply(
      x: Tensor,
      gamma: Tensor | null,
      beta: Tensor | null,
      mean: Tensor,
      invStd: Tensor,
      y: Tensor,
      relu = false,
    ): void {
      if (x.size === 0 || x.shape.length < 2 || !allFloats(x, gamma, beta, mean, invStd, y)) {
        base.batchNormApply(x, gamma, beta, mean, invStd, y, relu);
        return;
      }
      binding.batchNormApply(
        f32(x),
        f32OrNull(gamma),
        f32OrNull(beta),
        f32(mean),
        f32(invStd),
        f32(y),
        planes(x.shape),
        relu,
        threads(),
      );
    },
    batchNormBackward(
      x: Tensor,
      dy: Tensor,
      gamma: Tensor | null,
      mean: Tensor,
      invStd: Tensor,
      dx: Tensor | null,
      dgamma: Tensor | null,
      dbeta: Tensor | null,
      training: boolean,
      rectified: Tensor | null = null,
    ): void {
      if (x.size === 0 || x.shape.length < 2 || !allFloats(x, dy, gamma, mean, invStd, dx, dgamma, dbeta, rectified)) {
        base.batchNormBackward(x, dy, gamma, mean, invStd, dx, dgamma, dbeta, training, rectified);
        return;
      }
      binding.batchNormBackward(
        f32(x),
        f32(dy),
        f32OrNull(gamma),
        f32(mean),
        f32(invStd),
        f32OrNull(dx),
        f32OrNull(dgamma),
        f32OrNull(dbeta),
        f32OrNull(rectified),
        planes(x.shape),
        training,
        threads(),
      );
    },
    binary(op: BinaryOp, a: Tensor | number, b: Tensor | number, out: Tensor, relu = false): void {
      const code = BINARY_CODES[op];
      const n = out.size;
      const full = (t: Tensor | number): t is Tensor => typeof t !== 'number' && t.size === n && t.dtype === 'float32';
      if (code === undefined || n === 0 || out.dtype !== 'float32') {
        base.binary(op, a, b, out, relu);
      } else if (full(a) && full(b)) {
        binding.binary(code, f32(a), f32(b), f32(out), relu, threads());
      } else if (full(a) && typeof b === 'number') {
        binding.binaryScalar(code, f32(a), b, false, f32(out), relu, threads());
      } else if (typeof a === 'number' && full(b)) {
        binding.binaryScalar(code, f32(b), a, true, f32(out), relu, threads());
      } else {
        base.binary(op, a, b, out, relu);
      }
    },
    thresholdBackward(x: Tensor, dy: Tensor, threshold: number, dx: Tensor): void {
      if (dx.size === 0 || !allFloats(x, dy, dx)) {
        base.thresholdBackward(x, dy, threshold, dx);
        return;
      }
      binding.thresholdBackward(f32(x), f32(dy), threshold, f32(dx), threads());
    },
    axpby(alpha: number, x: Tensor, beta: number, out: Tensor): void {
      if (out.size === 0 || !allFloats(x, out)) {
        base.axpby(alpha, x, beta, out);
        return;
      }
      binding.axpby(alpha, f32(x), beta, f32(out), threads());
    },
    fill(out: Tensor, value: number): void {
      if (out.size === 0 || out.dtype !== 'float32') {
        base.fill(out, value);
        return;
      }
      binding.fill(f32(out), value, threads());
    },
    pad(x: Tensor, pads: readonly (readonly [number, number])[], mode: PadMode, value: number, out: Tensor): void {
      const g = padGeometry(x, out, pads, mode);
      if (!g) {
        base.pad(x, pads, mode, value, out);
        return;
      }
      binding.pad(f32(x), f32(out), g, mode === 'zero' ? 0 : value, threads());
    },
    padBackward(dy: Tensor, pads: readonly (readonly [number, number])[], mode: PadMode, dx: Tensor): void {
      const g = padGeometry(dx, dy, pads, mode);
      if (!g) {
        base.padBackward(dy, pads, mode, dx);
        return;
      }
      binding.padBackward(f32(dy), f32(dx), g, threads());
    },
    avgPool2d(x: Tensor, y: Tensor, p: Pool2dParams): void {
      const g = y.size > 0 && allFloats(x, y) ? poolGeometry(x.shape, y.shape, p) : null;
      if (!g) {
        base.avgPool2d(x, y, p);
        return;
      }
      binding.avgPool2d(f32(x), f32(y), g, threads());
    },
    avgPool2dBackward(dy: Tensor, dx: Tensor, p: Pool2dParams): void {
      const g = dy.size > 0 && allFloats(dy, dx) ? poolGeometry(dx.shape, dy.shape, p) : null;
      if (!g) {
        base.avgPool2dBackward(dy, dx, p);
        return;
      }
      binding.avgPool2dBackward(f32(dy), f32(dx), g, threads());
    },
  };
}
