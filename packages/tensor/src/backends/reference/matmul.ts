import type { MatmulOptions } from '../../backend.js';
import type { Tensor } from '../../tensor.js';

/**
 * out[M,N] = alpha * op(a) op(b) + beta * out, where op transposes when asked. Transposition
 * only changes the strides used to read a and b. Each output row is accumulated in float64
 * (i-k-j order, so the inner loop runs along a row of b and of the output). With beta = 0 the
 * old contents of out are not read, so it may hold garbage (BLAS convention).
 */
export function matmul(a: Tensor, b: Tensor, out: Tensor, { transA, transB, alpha, beta }: MatmulOptions): void {
  const [M, N] = out.shape;
  const K = transA ? a.shape[0] : a.shape[1];
  // a(i, p) = ad[i * aRow + p * aCol]; b(p, j) = bd[p * bRow + j * bCol].
  const aRow = transA ? 1 : K;
  const aCol = transA ? M : 1;
  const bRow = transB ? 1 : N;
  const bCol = transB ? K : 1;
  const ad = a.data;
  const bd = b.data;
  const o = out.data;
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    for (let p = 0; p < K; p++) {
      const aip = ad[i * aRow + p * aCol];
      const bBase = p * bRow;
      for (let j = 0; j < N; j++) row[j] += aip * bd[bBase + j * bCol];
    }
    const oBase = i * N;
    if (beta === 0) for (let j = 0; j < N; j++) o[oBase + j] = alpha * row[j];
    else for (let j = 0; j < N; j++) o[oBase + j] = beta * o[oBase + j] + alpha * row[j];
  }
}
