import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel, runOnnx } from '@funt/onnx';
import { fromTypedArray, Rng, type Tensor } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { resnet } from '../model/resnet.js';
import { loadModel, saveModel } from '../model/saved-model-file.js';
import { type ExportCommandOptions, exportCommand } from './export.js';

const scratch = mkdtempSync(join(tmpdir(), 'funt-export-cmd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function savedModel(): string {
  const architecture = {
    n: 1,
    filters: 4,
    inputShape: [3, 8, 8] as [number, number, number],
    classes: 3,
    skip: true,
    hiddenDims: [],
  };
  const model = resnet({ ...architecture, rng: new Rng(4) });
  const path = join(scratch, 'best-model.safetensors');
  const standardization = {
    scale: 1 / 255,
    mean: Float32Array.of(0.5, 0.4, 0.3),
    std: Float32Array.of(0.25, 0.25, 0.2),
  };
  saveModel(path, model, { architecture, classNames: ['a', 'b', 'c'], dataset: 'synthetic' }, standardization);
  model.dispose();
  return path;
}

describe('export --format onnx', () => {
  it('writes the saved model beside it as .onnx, with the architecture and preprocessing as metadata, and onnxruntime agrees', async () => {
    const path = savedModel();
    const lines: string[] = [];
    const out = exportCommand({ model: path, format: 'onnx' }, (l) => lines.push(l));
    expect(out).toBe(join(scratch, 'best-model.onnx'));
    expect(lines[0]).toMatch(
      /input 'input' \[N, 3, 8, 8\] standardised images, output 'output' \[N, 3\] log-probabilities/,
    );
    const bytes = readFileSync(out);
    const meta = Object.fromEntries((decodeModel(bytes).metadataProps ?? []).map((p) => [p.key, p.value]));
    expect(JSON.parse(meta['funt.resnet'])).toMatchObject({
      classNames: ['a', 'b', 'c'],
      dataset: 'synthetic',
      architecture: { n: 1 },
    });
    expect(JSON.parse(meta['funt.preprocess']).mean).toEqual([0.5, 0.4000000059604645, 0.30000001192092896]);

    const { model } = loadModel(path);
    const x = new Rng(5);
    const input = new Float32Array(2 * 3 * 8 * 8).map(() => x.normal(0, 1));
    const xt = fromTypedArray(input, [2, 3, 8, 8]);
    const funt = (model.forward(xt) as Tensor).data;
    const onnx = (await runOnnx(bytes, { input: { data: input, dims: [2, 3, 8, 8] } })).output.data;
    onnx.forEach((v, i) => expect(Math.abs(v - funt[i])).toBeLessThan(1e-4));
    model.dispose();
  });

  it('folds the batch norms into the convolutions on request, and onnxruntime still agrees', async () => {
    const path = savedModel();
    const lines: string[] = [];
    const out = exportCommand(
      { model: path, format: 'onnx', out: join(scratch, 'folded.onnx'), foldBatchNorms: true },
      (l) => lines.push(l),
    );
    expect(lines[0]).toMatch(/batch norms folded into the convolutions/);
    const bytes = readFileSync(out);
    const ops = decodeModel(bytes).graph.node.map((n) => n.opType);
    expect(ops).not.toContain('BatchNormalization');
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(7);
    const { model } = loadModel(path);
    const x = new Rng(6);
    const input = new Float32Array(2 * 3 * 8 * 8).map(() => x.normal(0, 1));
    const funt = (model.forward(fromTypedArray(input, [2, 3, 8, 8])) as Tensor).data;
    const onnx = (await runOnnx(bytes, { input: { data: input, dims: [2, 3, 8, 8] } })).output.data;
    onnx.forEach((v, i) => expect(Math.abs(v - funt[i])).toBeLessThan(1e-4));
    model.dispose();
  });

  it('fixes the batch size on request, and rejects other formats and a missing output folder', () => {
    const path = savedModel();
    const out = exportCommand(
      { model: path, format: 'onnx', out: join(scratch, 'fixed.onnx'), batchSize: 8 },
      () => {},
    );
    expect(decodeModel(readFileSync(out)).graph.input[0].shape).toEqual([8, 3, 8, 8]);
    expect(() => exportCommand({ model: path, format: 'tflite' } as unknown as ExportCommandOptions, () => {})).toThrow(
      UsageError,
    );
    expect(() => exportCommand({ model: path, format: 'tflite' } as unknown as ExportCommandOptions, () => {})).toThrow(
      '--format tflite is not supported (supported: onnx, torch)',
    );
    expect(() =>
      exportCommand({ model: path, format: 'onnx', out: join(scratch, 'no', 'such.onnx') }, () => {}),
    ).toThrow(/--out .*such\.onnx: folder .*no does not exist/);
  });
});
