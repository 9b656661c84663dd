import type { Tensor } from '../../tensor.js';
import { type WasmContext, withOperands } from './operands.js';
import { elements, parallelFor } from './threads/parallel.js';

/** Softmax (or log-softmax) over the last axis of a 2-D tensor, split over rows. */
export function softmax(ctx: WasmContext, x: Tensor, y: Tensor, log: boolean): void {
  const [rows, cols] = x.shape;
  withOperands(ctx, (io) => {
    parallelFor(ctx.kernels, ctx.arena, 'softmax', [io.in(x), io.out(y), cols, log ? 1 : 0], rows, {
      work: elements(4 * x.size),
    });
  });
}

export function softmaxBackward(ctx: WasmContext, y: Tensor, dy: Tensor, dx: Tensor, log: boolean): void {
  const [rows, cols] = y.shape;
  withOperands(ctx, (io) => {
    parallelFor(ctx.kernels, ctx.arena, 'softmaxBackward', [io.in(y), io.in(dy), io.out(dx), cols, log ? 1 : 0], rows, {
      work: elements(4 * y.size),
    });
  });
}
