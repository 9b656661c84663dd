import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOnnx } from '@funt/onnx';
import { normal, Rng, type Tensor } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { INPUT_SHAPE } from './config.js';
import { benchModel } from './funt-model.js';
import { parseMeasurement } from './measurement.js';
import { exportBenchModel } from './onnx-model.js';
import { measureOrt, ortStatus } from './onnxruntime.js';

const dir = mkdtempSync(join(tmpdir(), 'funt-bench-onnx-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('onnxruntime in the benchmark', () => {
  it('loads onnxruntime-node (a devDependency of the app)', async () => {
    const status = await ortStatus();
    expect(status).toMatchObject({ available: true });
  });

  it('exports the seeded network funt measures, and onnxruntime computes what funt computes', async () => {
    const file = exportBenchModel(1, dir);
    expect(file).toMatch(/resnet-8\.onnx$/);
    const model = benchModel(1, new Rng(0));
    model.evaluate();
    const x = normal([2, ...INPUT_SHAPE], new Rng(5), 0, 1);
    const expected = Float32Array.from((model.forward(x) as Tensor).data);
    const { output } = await runOnnx(readFileSync(file), { input: { data: Float32Array.from(x.data), dims: x.shape } });
    expect(output.dims).toEqual([2, 10]);
    const err = Math.max(...output.data.map((v, i) => Math.abs(v - expected[i])));
    expect(err).toBeLessThan(1e-4);
  });

  it('measures an inference configuration and prints a record the driver parses', async () => {
    const file = exportBenchModel(1, dir);
    const m = await measureOrt(file, { n: 1, mode: 'infer', threads: 1, batch: 2, warmup: 1, steps: 2 });
    expect(m).toMatchObject({ impl: 'onnxruntime', model: 'ResNet-8', mode: 'infer', threads: 1, batch: 2 });
    expect(m.backend).toMatch(/^onnxruntime-node \d+\.\d+/);
    expect(m.seconds).toHaveLength(2);
    expect(parseMeasurement(JSON.stringify(m), 'ort-step')).toEqual(m);
    await expect(measureOrt(file, { n: 1, mode: 'train', threads: 1, batch: 2, warmup: 0, steps: 1 })).rejects.toThrow(
      /runs inference only/,
    );
  });
});
