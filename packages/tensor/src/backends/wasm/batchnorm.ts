import { channelPlanes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { type WasmContext, withOperands } from './operands.js';
import { elements, parallelFor } from './threads/parallel.js';

export function batchNormTrain(
  ctx: WasmContext,
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  y: Tensor,
  saveMean: Tensor,
  saveInvStd: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  momentum: number,
  eps: number,
  relu = false,
  residual: Tensor | null = null,
): void {
  const { N, C, S } = channelPlanes(x.shape);
  withOperands(ctx, (io) => {
    const args = [
      io.in(x),
      io.in(gamma),
      io.in(beta),
      io.out(y),
      io.out(saveMean),
      io.out(saveInvStd),
      io.out(runningMean, true),
      io.out(runningVar, true),
      momentum,
      eps,
      relu ? 1 : 0,
      io.in(residual),
      N,
      C,
      S,
    ];
    parallelFor(ctx.kernels, ctx.arena, 'batchNormTrain', args, C, {
      work: elements((residual ? 4 : 3) * x.size),
    });
  });
}

export function batchNormApply(
  ctx: WasmContext,
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  mean: Tensor,
  invStd: Tensor,
  y: Tensor,
  relu = false,
): void {
  const { N, C, S } = channelPlanes(x.shape);
  withOperands(ctx, (io) => {
    const args = [io.in(x), io.in(gamma), io.in(beta), io.in(mean), io.in(invStd), io.out(y), relu ? 1 : 0, N, C, S];
    parallelFor(ctx.kernels, ctx.arena, 'batchNormApply', args, C, { work: elements(x.size) });
  });
}

export function batchNormBackward(
  ctx: WasmContext,
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
  const { N, C, S } = channelPlanes(x.shape);
  withOperands(ctx, (io) => {
    const args = [
      io.in(x),
      io.in(dy),
      io.in(gamma),
      io.in(mean),
      io.in(invStd),
      io.out(dx),
      io.out(dgamma, true),
      io.out(dbeta, true),
      training ? 1 : 0,
      io.in(rectified),
      N,
      C,
      S,
    ];
    parallelFor(ctx.kernels, ctx.arena, 'batchNormBackward', args, C, { work: elements(3 * x.size) });
  });
}
