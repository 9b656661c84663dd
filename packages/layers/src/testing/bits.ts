import type { Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import type { Module } from '../module/module.js';

/** A tensor's elements as bytes, to compare two results bit for bit. */
export function bits(t: Tensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** The tensor an activity is (a test's module returns one). */
export function tensorOf(a: Activity | null): Tensor {
  if (a === null || Array.isArray(a)) throw new Error('expected a tensor');
  return a as Tensor;
}

/**
 * One forward and backward of `model` on x and dy (`backward`, or with `torchApi`
 * updateGradInput then accGradParameters), their output and gradInput copied as bytes into
 * `out` under `output <label>` and `gradInput <label>`.
 */
export function recordStep(
  model: Module,
  x: Tensor,
  dy: Tensor,
  torchApi: boolean,
  out: Map<string, Buffer>,
  label: string | number,
): void {
  out.set(`output ${label}`, Buffer.from(bits(tensorOf(model.forward(x)))));
  let g: Tensor;
  if (torchApi) {
    g = tensorOf(model.updateGradInput(x, dy));
    model.accGradParameters(x, dy);
  } else {
    g = tensorOf(model.backward(x, dy));
  }
  out.set(`gradInput ${label}`, Buffer.from(bits(g)));
}

/** Every parameter gradient and buffer of `model`, copied as bytes into `out` under their names. */
export function recordState(model: Module, out: Map<string, Buffer>): void {
  for (const p of model.parameters()) out.set(`grad ${p.name}`, Buffer.from(bits(p.grad)));
  for (const b of model.buffers()) out.set(b.name, Buffer.from(bits(b.value)));
}
