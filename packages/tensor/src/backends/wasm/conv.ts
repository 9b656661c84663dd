import type { Conv2dParams, ConvEpilogue } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { type Operands, type WasmContext, withOperands } from './operands.js';
import { elements, macs, parallelFor } from './threads/parallel.js';

/**
 * The geometry block of assembly/conv.ts: ConvShape's 13 i32, then room (up to 32 i32) where
 * the kernels derive the transposed convolution's geometry.
 */
function geometry(
  io: Operands,
  x: readonly number[],
  w: readonly number[],
  y: readonly number[],
  p: Conv2dParams,
): number {
  const [N, C, H, W] = x;
  const [O, , kH, kW] = w;
  const block = new Array<number>(32).fill(0);
  block.splice(0, 13, N, C, H, W, O, kH, kW, p.strideH, p.strideW, p.padH, p.padW, y[2], y[3]);
  return io.scratch(block, 'i32');
}

/**
 * The Winograd path for 3×3 stride-1 convolutions (forward, or backward = 1: the backward-data
 * pass as a transposed convolution): the weights are transformed once (split over output
 * channels; kept for the next call with the same weights, winograd-weights.ts), then the images
 * are split over the threads (in pairs of images where one alone would leave panels half
 * empty). False when the kernels say it does not apply.
 */
function winograd(
  ctx: WasmContext,
  g: number,
  backward: 0 | 1,
  N: number,
  x: number,
  weights: Tensor,
  w: number,
  bias: number,
  y: number,
  epilogue: readonly [residual: number, relu: number],
  work: number,
): boolean {
  const k = ctx.kernels;
  const m = k.winogradTile(g, backward);
  if (m === 0) return false;
  const uBytes = k.winogradWeightsBytes(g, backward);
  // Rows of U: the transformed convolution's output channels, in whole MR = 4 slivers.
  const [O, C] = backward ? [weights.shape[1], weights.shape[0]] : [weights.shape[0], weights.shape[1]];
  const rows = Math.ceil(O / 4) * 4;
  const transform = (u: number): void =>
    parallelFor(k, ctx.arena, 'winogradWeights', [g, w, backward, u], rows, {
      work: elements(rows * C * 100),
      align: 4,
    });
  const scratch = (): number => ctx.arena.take(uBytes);
  // Weights outside wasm memory are copied into scratch for this call only: nothing to cache.
  let u: number;
  if (weights.ptr === w) {
    u = ctx.winogradWeights.weights(weights, w, `${backward}/${m}/${O}x${C}`, uBytes, transform, scratch);
  } else {
    u = scratch();
    transform(u);
  }
  // About 2.25–4× fewer multiplies than the direct kernels. Ranges of whole pairs of images
  // where one image alone would fill GEMM panels only half (winogradRangeImages).
  const split = {
    work: work / 3,
    scratchBytes: k.winogradScratchBytes(g, backward),
    align: k.winogradRangeImages(g, backward),
  };
  parallelFor(k, ctx.arena, 'conv2dWinograd', [g, backward, x, u, bias, y, ...epilogue], N, split);
  return true;
}

/**
 * The Winograd filter gradient of a 3×3 stride-1 convolution: partial sums over fixed chunks of
 * images (split over the threads), then their ordered sum and back-transform per output channel.
 */
function winogradFilter(
  ctx: WasmContext,
  g: number,
  x: number,
  dy: number,
  dw: number,
  accumulate: boolean,
  O: number,
  K: number,
  work: number,
): boolean {
  const k = ctx.kernels;
  if (k.winogradFilterTile(g) === 0) return false;
  const chunks = k.winogradFilterChunks(g);
  const partials = ctx.arena.take(chunks * k.winogradFilterPartialBytes(g));
  const split = { work: work / 3, scratchBytes: k.winogradFilterScratchBytes(g) };
  parallelFor(k, ctx.arena, 'conv2dWinogradFilter', [g, x, dy, partials], chunks, split);
  const reduce = { work: elements(chunks * O * K * 4), scratchBytes: k.winogradFilterReduceScratchBytes(g) };
  parallelFor(k, ctx.arena, 'winogradFilterReduce', [g, partials, chunks, dw, accumulate ? 1 : 0], O, reduce);
  return true;
}

/** y = conv(x, w) + bias, then the epilogue (+ residual, ReLU) as each image is stored; split over images. */
export function conv2d(
  ctx: WasmContext,
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  y: Tensor,
  p: Conv2dParams,
  epilogue?: ConvEpilogue,
): void {
  const k = ctx.kernels;
  withOperands(ctx, (io) => {
    const out = io.out(y);
    if (y.size === 0) return;
    const residual = io.in(epilogue?.residual ?? null);
    const relu = epilogue?.relu ? 1 : 0;
    if (w.size === 0) {
      // No input channels: only the bias remains (binary op 0 is add), then the epilogue.
      k.fill(out, 0, y.size);
      if (bias) k.binaryBroadcast(0, out, io.in(bias), 0, out, y.shape[0], y.shape[1], y.shape[2] * y.shape[3]);
      k.convEpilogue(out, residual, relu, 0, y.size);
      return;
    }
    const g = geometry(io, x.shape, w.shape, y.shape, p);
    const work = macs(y.size * (w.size / w.shape[0]));
    const tail = [residual, relu] as const;
    if (!winograd(ctx, g, 0, x.shape[0], io.in(x), w, io.in(w), io.in(bias), out, tail, work)) {
      const split = { work, scratchBytes: k.conv2dScratchBytes(g) };
      parallelFor(k, ctx.arena, 'conv2d', [g, io.in(x), io.in(w), io.in(bias), out, ...tail], x.shape[0], split);
    }
  });
}

/** dx = gradient of conv2d w.r.t. its input, split over images. */
export function conv2dBackwardData(ctx: WasmContext, dy: Tensor, w: Tensor, dx: Tensor, p: Conv2dParams): void {
  const k = ctx.kernels;
  withOperands(ctx, (io) => {
    const out = io.out(dx);
    if (dx.size === 0) return;
    if (dy.size === 0 || w.size === 0) {
      k.fill(out, 0, dx.size);
      return;
    }
    const g = geometry(io, dx.shape, w.shape, dy.shape, p);
    const work = macs(dy.size * (w.size / w.shape[0]));
    if (!winograd(ctx, g, 1, dx.shape[0], io.in(dy), w, io.in(w), 0, out, [0, 0], work)) {
      const split = { work, scratchBytes: k.conv2dBackwardDataScratchBytes(g) };
      parallelFor(k, ctx.arena, 'conv2dBackwardData', [g, io.in(dy), io.in(w), out], dx.shape[0], split);
    }
  });
}

/** dw (and db) = gradient of conv2d w.r.t. its weights (and bias), split over columns of dw. */
export function conv2dBackwardFilter(
  ctx: WasmContext,
  x: Tensor,
  dy: Tensor,
  dw: Tensor,
  db: Tensor | null,
  p: Conv2dParams,
  accumulate: boolean,
): void {
  const k = ctx.kernels;
  const [N, O, Ho, Wo] = dy.shape;
  withOperands(ctx, (io) => {
    const dwPtr = io.out(dw, accumulate);
    const dbPtr = io.out(db, accumulate);
    if (dy.size === 0 || x.size === 0) {
      // Nothing to sum: the gradients are zero (or unchanged when accumulating).
      if (!accumulate) {
        k.fill(dwPtr, 0, dw.size);
        if (db) k.fill(dbPtr, 0, db.size);
      }
      return;
    }
    const dyPtr = io.in(dy);
    if (dw.size > 0) {
      const g = geometry(io, x.shape, dw.shape, dy.shape, p);
      const K = dw.size / O;
      if (!winogradFilter(ctx, g, io.in(x), dyPtr, dwPtr, accumulate, O, K, macs(dy.size * K))) {
        // Partial sums over chunks of images fixed by N (split over the threads), then their
        // ordered sum per output channel.
        const chunks = k.conv2dBackwardFilterChunks(g);
        const partials = ctx.arena.take(chunks * k.conv2dBackwardFilterPartialBytes(g));
        const split = { work: macs(dy.size * K), scratchBytes: k.conv2dBackwardFilterScratchBytes(g) };
        parallelFor(k, ctx.arena, 'conv2dBackwardFilter', [g, io.in(x), dyPtr, partials], chunks, split);
        const reduce = { work: elements(chunks * O * K) };
        parallelFor(
          k,
          ctx.arena,
          'conv2dBackwardFilterReduce',
          [g, partials, chunks, dwPtr, accumulate ? 1 : 0],
          O,
          reduce,
        );
      }
    }
    if (db)
      parallelFor(k, ctx.arena, 'conv2dBiasGrad', [dyPtr, dbPtr, N, O, Ho * Wo, accumulate ? 1 : 0], O, {
        work: elements(dy.size),
      });
  });
}
