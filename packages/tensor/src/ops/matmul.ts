import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkLive, checkRank, commonDType, output } from './validate.js';

/**
 * Options of `matmul`: transposes (default false), scales alpha (default 1) and beta (default 0), and the
 * [M, N] output to write (required when beta ≠ 0).
 */
export interface MatmulArgs {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  /** out = alpha * op(a) op(b) + beta * out; beta ≠ 0 needs `out` (it accumulates into it). */
  beta?: number;
  out?: Tensor;
}

/** 2-D matrix product op(a) · op(b), where op transposes when transA / transB is set. */
export function matmul(
  a: Tensor,
  b: Tensor,
  { transA = false, transB = false, alpha = 1, beta = 0, out }: MatmulArgs = {},
): Tensor {
  checkLive('matmul', a, b);
  checkRank('matmul', 'a', a, 2, [b.shape]);
  checkRank('matmul', 'b', b, 2, [a.shape]);
  const [M, Ka] = transA ? [a.shape[1], a.shape[0]] : a.shape;
  const [Kb, N] = transB ? [b.shape[1], b.shape[0]] : b.shape;
  if (Ka !== Kb) {
    const ta = transA ? 'ᵀ' : '';
    const tb = transB ? 'ᵀ' : '';
    throw new ShapeError(
      'matmul',
      `inner sizes differ: a${ta} ${formatShape(a.shape)} vs b${tb} ${formatShape(b.shape)} (${Ka} vs ${Kb})`,
      [a.shape, b.shape],
    );
  }
  if (beta !== 0 && !out)
    throw new Error(
      `matmul: beta = ${beta} accumulates into out, but no out was given (a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`,
    );
  const y = output('matmul', [M, N], commonDType('matmul', [a, b, out]), out, [a, b]);
  getBackend().matmul(a, b, y, { transA, transB, alpha, beta });
  return y;
}
