import type { Pool2dParams } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { type WasmContext, withOperands } from './operands.js';
import { elements, parallelFor } from './threads/parallel.js';

/** assembly/pool.ts's modes. */
const MAX_FORWARD = 0;
const AVG_FORWARD = 1;
const MAX_BACKWARD = 2;
const AVG_BACKWARD = 3;

/**
 * One wrapper for the four pooling kernels: `input` is the [N,C,H,W] side (x or dx), `output`
 * the [N,C,Ho,Wo] side (y or dy); the work splits over the N·C planes.
 */
function pool(
  ctx: WasmContext,
  mode: number,
  x: Tensor | null,
  src: Tensor,
  dst: Tensor,
  input: readonly number[],
  output: readonly number[],
  p: Pool2dParams,
): void {
  const [N, C, H, W] = input;
  const [, , Ho, Wo] = output;
  withOperands(ctx, (io) => {
    const args = [
      mode,
      io.in(x),
      io.in(src),
      io.out(dst),
      H,
      W,
      Ho,
      Wo,
      p.kernelH,
      p.kernelW,
      p.strideH,
      p.strideW,
      p.padH,
      p.padW,
      p.countIncludePad ? 1 : 0,
    ];
    const work = elements(N * C * (H * W + Ho * Wo * p.kernelH * p.kernelW));
    parallelFor(ctx.kernels, ctx.arena, 'pool2d', args, N * C, { work });
  });
}

export function maxPool2d(ctx: WasmContext, x: Tensor, y: Tensor, p: Pool2dParams): void {
  pool(ctx, MAX_FORWARD, x, x, y, x.shape, y.shape, p);
}

export function maxPool2dBackward(ctx: WasmContext, x: Tensor, dy: Tensor, dx: Tensor, p: Pool2dParams): void {
  pool(ctx, MAX_BACKWARD, x, dy, dx, dx.shape, dy.shape, p);
}

export function avgPool2d(ctx: WasmContext, x: Tensor, y: Tensor, p: Pool2dParams): void {
  pool(ctx, AVG_FORWARD, null, x, y, x.shape, y.shape, p);
}

export function avgPool2dBackward(ctx: WasmContext, dy: Tensor, dx: Tensor, p: Pool2dParams): void {
  pool(ctx, AVG_BACKWARD, null, dy, dx, dx.shape, dy.shape, p);
}
