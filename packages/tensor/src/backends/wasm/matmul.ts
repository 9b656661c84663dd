import type { MatmulOptions } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { type WasmContext, withOperands } from './operands.js';
import { macs, parallelFor } from './threads/parallel.js';

/**
 * out[M,N] = alpha · op(a) · op(b) + beta · out with the packed wasm GEMM. A transposition only
 * swaps the strides the packing routines read with; the work splits over rows of out.
 */
export function matmul(
  ctx: WasmContext,
  a: Tensor,
  b: Tensor,
  out: Tensor,
  { transA, transB, alpha, beta }: MatmulOptions,
): void {
  const [M, N] = out.shape;
  const K = transA ? a.shape[0] : a.shape[1];
  if (M === 0 || N === 0) return;
  withOperands(ctx, (io) => {
    const args = [
      M,
      N,
      K,
      alpha,
      io.in(a),
      transA ? 1 : K,
      transA ? M : 1,
      io.in(b),
      transB ? 1 : N,
      transB ? K : 1,
      beta,
      io.out(out, beta !== 0),
      N,
    ];
    // Whole 4-row slivers per range (the micro-kernel's MR).
    parallelFor(ctx.kernels, ctx.arena, 'gemm', args, M, {
      work: macs(M * N * K),
      scratchBytes: ctx.kernels.gemmScratchBytes(M, N, K),
      align: 4,
    });
  });
}
