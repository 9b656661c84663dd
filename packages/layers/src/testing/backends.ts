import { fromTypedArray, listBackends, Rng, withBackend } from '@funt/tensor';
import { expect, it } from 'vitest';
import { type BackendComparisonOptions, compareBackends, scaledError } from '../checking/backend-check.js';
import type { Criterion, Target } from '../criteria/criterion.js';
import type { ActivityShape } from '../module/activity.js';
import type { Module } from '../module/module.js';

export const wasmAvailable = listBackends().includes('wasm');

/**
 * A test that the module computes the same forward, backward, parameter gradients and buffers
 * on the wasm and reference backends (float32, tolerance 1e-5 on max|a−b|/max(1, max|a|)).
 * Skipped, with a printed reason, while the wasm backend is not registered.
 */
export function itAgreesAcrossBackends(
  name: string,
  build: () => Module,
  shape: ActivityShape,
  opts: BackendComparisonOptions = {},
): void {
  if (!wasmAvailable) {
    console.info(
      `skipped "${name}": the wasm backend is not registered (listBackends() = [${listBackends().join(', ')}])`,
    );
  }
  it.skipIf(!wasmAvailable)(`${name} (wasm vs reference, float32)`, () => {
    const r = compareBackends(build, shape, opts);
    expect(r.ok, r.toString()).toBe(true);
  });
}

/** The same for a criterion: loss and gradInput on both backends, float32. */
export function itCriterionAgreesAcrossBackends(
  name: string,
  build: () => Criterion,
  shape: readonly number[],
  target: Target | (() => Target),
): void {
  if (!wasmAvailable) {
    console.info(
      `skipped "${name}": the wasm backend is not registered (listBackends() = [${listBackends().join(', ')}])`,
    );
  }
  it.skipIf(!wasmAvailable)(`${name} (wasm vs reference, float32)`, () => {
    const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
    new Rng(1).fillNormal(values);
    const run = (backend: string) =>
      withBackend(
        backend,
        () => {
          const c = build();
          const x = fromTypedArray(values, shape);
          const t = typeof target === 'function' ? target() : target;
          const loss = c.forward(x, t);
          return { loss, grad: Float64Array.from(c.backward(x, t).data) };
        },
        'float32',
      );
    const a = run('reference');
    const b = run('wasm');
    expect(scaledError([a.loss], [b.loss])).toBeLessThan(1e-5);
    expect(scaledError(a.grad, b.grad)).toBeLessThan(1e-5);
  });
}
