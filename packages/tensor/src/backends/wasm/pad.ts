import type { PadMode } from '../../backend.js';
import { stridesOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { fill } from './elementwise.js';
import { type WasmContext, withOperands } from './operands.js';

type Pads = readonly (readonly [number, number])[];

/**
 * Constant padding as copies of contiguous runs: the axes after the last padded one are
 * contiguous in both x and the padded tensor, and so is the last padded axis itself (its
 * padding only shifts where the run lands). So a pad of [N, C, H, W] along C (the ResNet
 * shortcut) is N copies of C·H·W values. Calls `run(xOffset, outOffset, length)` for each, in
 * elements.
 */
export function forEachRun(
  xShape: readonly number[],
  pads: Pads,
  run: (xOff: number, outOff: number, length: number) => void,
): void {
  const rank = xShape.length;
  let last = rank - 1;
  while (last >= 0 && pads[last][0] === 0 && pads[last][1] === 0) last--;
  let inner = 1;
  for (let i = last + 1; i < rank; i++) inner *= xShape[i];
  if (inner === 0) return;
  if (last < 0) {
    run(0, 0, inner);
    return;
  }
  const xStrides = stridesOf(xShape);
  const outStrides = stridesOf(xShape.map((d, i) => d + pads[i][0] + pads[i][1]));
  const length = xShape[last] * inner;
  if (length === 0) return;
  const visit = (axis: number, xOff: number, outOff: number): void => {
    if (axis === last) {
      run(xOff, outOff + pads[last][0] * outStrides[last], length);
      return;
    }
    for (let j = 0; j < xShape[axis]; j++)
      visit(axis + 1, xOff + j * xStrides[axis], outOff + (j + pads[axis][0]) * outStrides[axis]);
  };
  visit(0, 0, 0);
}

/** out = x padded with `value` ('zero': 0); reflect and replicate padding go to the reference loops. */
export function pad(ctx: WasmContext, x: Tensor, pads: Pads, mode: PadMode, value: number, out: Tensor): void {
  if (mode === 'reflect' || mode === 'replicate') {
    ctx.reference.pad(x, pads, mode, value, out);
    return;
  }
  if (out.size === 0) return;
  fill(ctx, out, mode === 'zero' ? 0 : value);
  const k = ctx.kernels;
  withOperands(ctx, (io) => {
    const src = io.in(x);
    const dst = io.out(out, true);
    forEachRun(x.shape, pads, (xOff, outOff, length) => k.copy(src + xOff * 4, dst + outOff * 4, length));
  });
}

/** dx = the part of dy that x was copied to (constant padding only passes those gradients). */
export function padBackward(ctx: WasmContext, dy: Tensor, pads: Pads, mode: PadMode, dx: Tensor): void {
  if (mode === 'reflect' || mode === 'replicate') {
    ctx.reference.padBackward(dy, pads, mode, dx);
    return;
  }
  if (dx.size === 0) return;
  const k = ctx.kernels;
  withOperands(ctx, (io) => {
    const src = io.in(dy);
    const dst = io.out(dx);
    forEachRun(dx.shape, pads, (xOff, outOff, length) => k.copy(src + outOff * 4, dst + xOff * 4, length));
  });
}
