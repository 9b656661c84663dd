import { BatchNormalization, type Module } from '@funt/layers';
import { normal, Rng, type Tensor } from '@funt/tensor';
import { expect } from 'vitest';
import { exportOnnx } from '../export.js';
import { runOnnx } from '../onnxruntime.js';

/** Test support: funt against onnxruntime on the same model (not part of the package build). */

/**
 * Draws every weight, and batch-norm statistics away from their 1/0 defaults (a gamma of 1
 * or a running mean of 0 would hide a mix-up of the BatchNormalization inputs).
 */
export function randomise(model: Module, rng: Rng): void {
  model.reset({ rng });
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BatchNormalization)) continue;
    if (m.weight) rng.fillUniform(m.weight.data, 0.5, 1.5);
    if (m.bias) rng.fillNormal(m.bias.data, 0, 0.3);
    rng.fillNormal(m.runningMean.data, 0, 0.3);
    rng.fillUniform(m.runningVar.data, 0.5, 1.5);
  }
}

/** funt's evaluation output and onnxruntime's on the same batch; returns the largest difference. */
export async function compare(
  model: Module,
  inputShape: number[],
  batch: number,
  seed: number,
  bytes = exportOnnx(model, inputShape),
): Promise<number> {
  const rng = new Rng(seed);
  const x = normal([batch, ...inputShape], rng);
  model.evaluate();
  const expected = model.forward(x) as Tensor;
  const got = (await runOnnx(bytes, { input: { data: Float32Array.from(x.data), dims: x.shape } })).output;
  expect(got.dims).toEqual(expected.shape);
  let worst = 0;
  expected.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got.data[i]))));
  x.dispose();
  if (process.env.FUNT_ONNX_REPORT) console.info(`max |funt - onnxruntime| = ${worst.toExponential(2)}`);
  return worst;
}
