/**
 * Strided iteration for the reference kernels. A kernel that works on tensors of any rank
 * (broadcasting binary ops, reductions, permute) describes each operand by its strides over
 * one common iteration shape, and `forEachRow` walks that shape one innermost row at a time.
 * The kernel's own loop runs along the row, so the per-element cost is one plain loop step;
 * the odometer below only runs once per row.
 */

/**
 * Calls `visit(offsets, length, steps)` for every row (last axis) of `shape`: `offsets[k]` is
 * where the row starts in operand k, `steps[k]` its stride along the row, `length` the row
 * length. A rank-0 shape is one row of length 1. Nothing is visited when a dimension is 0.
 * `offsets` is reused between calls, so `visit` must not keep it.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  visit: (offsets: readonly number[], length: number, steps: readonly number[]) => void,
): void {
  const operands = strides.length;
  const rank = shape.length;
  if (rank === 0) {
    visit(new Array<number>(operands).fill(0), 1, new Array<number>(operands).fill(0));
    return;
  }
  for (const d of shape) if (d === 0) return;
  const last = rank - 1;
  const steps = strides.map((s) => s[last]);
  const offsets = new Array<number>(operands).fill(0);
  const index = new Array<number>(rank).fill(0);
  for (;;) {
    visit(offsets, shape[last], steps);
    // Advance the multi-index over the outer axes like an odometer, moving every offset along.
    let axis = last - 1;
    for (; axis >= 0; axis--) {
      index[axis]++;
      for (let k = 0; k < operands; k++) offsets[k] += strides[k][axis];
      if (index[axis] < shape[axis]) break;
      for (let k = 0; k < operands; k++) offsets[k] -= strides[k][axis] * shape[axis];
      index[axis] = 0;
    }
    if (axis < 0) return;
  }
}

/**
 * Strides that read a contiguous tensor of `shape` while iterating over the broadcast shape
 * `outShape` (NumPy rules: shapes align on the right; a dimension of 1, or a missing leading
 * one, is repeated, i.e. gets stride 0).
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1, j = outShape.length - 1; i >= 0; i--, j--) {
    strides[j] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}
