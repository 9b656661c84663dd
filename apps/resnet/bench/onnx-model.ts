/**
 * The benchmark's ResNet as an ONNX file, made the way a user makes one: the seeded network
 * of funt-model.ts saved as a funt-resnet model file (saveModel), then written by the app's
 * `export` command (exportCommand, what `funt-resnet export --model <file>` runs). onnxruntime
 * then measures the very weights funt measures, with the graph a user would deploy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@funt/tensor';
import { exportCommand } from '../src/commands/export.js';
import { saveModel } from '../src/model/saved-model-file.js';
import { CLASSES, INPUT_SHAPE } from './config.js';
import { benchArchitecture, benchModel } from './funt-model.js';

/**
 * Writes ResNet-(6n+2) as `<dir>/resnet-<depth>.onnx` and returns its path. The network expects
 * standardised inputs; the benchmark feeds random ones, so the model file's standardisation is
 * the identity.
 */
export function exportBenchModel(n: number, dir: string): string {
  const work = mkdtempSync(join(tmpdir(), 'funt-bench-export-'));
  try {
    const model = benchModel(n, new Rng(0));
    const file = join(work, 'model.safetensors');
    const size = INPUT_SHAPE.reduce((a, b) => a * b, 1);
    saveModel(
      file,
      model,
      {
        architecture: benchArchitecture(n),
        classNames: Array.from({ length: CLASSES }, (_, k) => `class ${k}`),
        dataset: 'synthetic',
      },
      { scale: 1, mean: new Float32Array(size), std: new Float32Array(size).fill(1) },
    );
    model.dispose();
    const out = join(dir, `resnet-${6 * n + 2}.onnx`);
    exportCommand({ model: file, format: 'onnx', out }, () => {});
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
