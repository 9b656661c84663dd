/**
 * ResNet-20 written as ONNX and run in onnxruntime-node: the same log-probabilities as funt's
 * evaluation mode within 1e-4, and as PyTorch's for the fixture's weights.
 */
import type { Sequential } from '@funt/layers';
import { decodeModel, exportOnnx, runOnnx } from '@funt/onnx';
import { loadSafetensors, normal, Rng, type Tensor } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { resnet } from '../model/resnet.js';
import { fixture } from '../testing/fixtures.js';
import { resnetOptions } from '../testing/resnet.js';
import { torchStateToFunt } from './torch-names.js';

const FIXTURE = fixture('resnet20-torch-crosscheck.safetensors');
const TOLERANCE = 1e-4;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function onnxOutput(model: Sequential, input: Tensor): Promise<Float32Array> {
  const bytes = exportOnnx(model, input.shape.slice(1));
  const out = await runOnnx(bytes, { input: { data: Float32Array.from(input.data), dims: input.shape } });
  return out.output.data;
}

describe('ResNet ONNX export in onnxruntime', () => {
  it(`ResNet-20 with the PyTorch fixture's weights: onnxruntime = funt eval (${TOLERANCE}) = PyTorch eval`, async () => {
    const { tensors: fx, metadata } = loadSafetensors(FIXTURE);
    const config = JSON.parse(metadata.config);
    const model = resnet({ ...config, skip: true, rng: new Rng(0) });
    const weights = Object.fromEntries(
      Object.entries(fx)
        .filter(([k]) => k.startsWith('weights/'))
        .map(([k, t]) => [k.slice(8), t]),
    );
    model.loadStateDict(torchStateToFunt(model, config, weights));
    model.evaluate();
    const funt = (model.forward(fx.input) as Tensor).data;
    const onnx = await onnxOutput(model, fx.input);
    const vsFunt = maxDiff(onnx, funt);
    const vsTorch = maxDiff(onnx, fx['eval/output'].data);
    if (process.env.FUNT_INTEROP_REPORT)
      console.info(
        `ResNet-20: max |onnxruntime - funt| = ${vsFunt.toExponential(2)}, max |onnxruntime - PyTorch| = ${vsTorch.toExponential(2)}`,
      );
    expect(vsFunt).toBeLessThan(TOLERANCE);
    expect(vsTorch).toBeLessThan(TOLERANCE);
    model.dispose();
    for (const t of Object.values(fx)) t.dispose();
  });

  it('the ResNet-20 graph: 19 Conv, 19 BatchNormalization, 9 Add, 2 option-A shortcuts (AveragePool + Pad), GlobalAveragePool, Flatten, Gemm, LogSoftmax', () => {
    const model = resnet(resnetOptions({ rng: new Rng(1) }));
    const graph = decodeModel(exportOnnx(model, [3, 32, 32])).graph;
    const count = (op: string) => graph.node.filter((n) => n.opType === op).length;
    expect([count('Conv'), count('BatchNormalization'), count('Relu'), count('Add')]).toEqual([19, 19, 19, 9]);
    expect([
      count('AveragePool'),
      count('Pad'),
      count('GlobalAveragePool'),
      count('Flatten'),
      count('Gemm'),
      count('LogSoftmax'),
    ]).toEqual([2, 2, 1, 1, 1, 1]);
    expect(graph.node).toHaveLength(19 + 19 + 19 + 9 + 2 + 2 + 4);
    // 19 conv weights, 4 tensors per batch norm, the classifier's weight and bias; pads and pad values.
    expect(graph.initializer.filter((t) => !(t.name ?? '').includes('/'))).toHaveLength(19 + 19 * 4 + 2);
    model.dispose();
  });

  it('a plain (no-skip) net with hidden layers on 1×32×32 inputs, any batch size', async () => {
    const model = resnet(
      resnetOptions({
        n: 1,
        filters: 4,
        inputShape: [1, 32, 32],
        classes: 7,
        skip: false,
        hiddenDims: [12, 9],
        rng: new Rng(2),
      }),
    );
    const rng = new Rng(3);
    for (const p of model.buffers())
      rng.fillUniform(p.value.data, p.name.endsWith('var') ? 0.5 : -0.2, p.name.endsWith('var') ? 1.5 : 0.2);
    model.evaluate();
    for (const batch of [1, 3]) {
      const x = normal([batch, 1, 32, 32], rng);
      const funt = Float32Array.from((model.forward(x) as Tensor).data);
      expect(maxDiff(await onnxOutput(model, x), funt)).toBeLessThan(TOLERANCE);
      x.dispose();
    }
    model.dispose();
  });
});
