import type { Backend, Conv2dParams, ConvEpilogue, Tensor } from '@funt/tensor';
import type { NativeBinding } from './binding.js';

/** A float32 tensor's elements for the addon, or null when the base backend must take the call. */
function floats(t: Tensor): Float32Array | null {
  return t.dtype === 'float32' ? (t.data as Float32Array) : null;
}

function geometry(x: readonly number[], w: readonly number[], y: readonly number[], p: Conv2dParams): Int32Array {
  const [N, C, H, W] = x;
  const [O, , kH, kW] = w;
  return Int32Array.of(N, C, H, W, O, kH, kW, p.strideH, p.strideW, p.padH, p.padW, y[2], y[3]);
}

/**
 * The native backend: the base backend (wasm) with its convolution passes replaced by the
 * addon's. It shares the base's allocator, so tensors live in the wasm memory and every other
 * kernel (batch norm, elementwise, pooling, matmul, …) runs on the base without a copy. Calls
 * the addon cannot take (float64 operands, empty tensors) go to the base as well.
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
  };
}
