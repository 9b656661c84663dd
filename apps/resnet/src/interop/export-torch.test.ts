import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromTypedArray, loadSafetensors, Rng, saveSafetensors, type Tensor } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../commands/export.js';
import { importCommand } from '../commands/import.js';
import { type ResnetArchitecture, resnet } from '../model/resnet.js';
import { loadModel, saveModel } from '../model/saved-model-file.js';
import { TORCH_MODULE_FILE } from './export-torch.js';

const scratch = mkdtempSync(join(tmpdir(), 'funt-export-torch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PYTHON = '/usr/bin/python3';
const torchMissing = (() => {
  if (!existsSync(PYTHON)) return `${PYTHON} does not exist (apt-get install -y python3-torch)`;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PYTHON} cannot import torch (apt-get install -y python3-torch)`;
})();
if (torchMissing) console.log(`skipping the PyTorch round trip: ${torchMissing}`);

/**
 * A saved model whose every tensor (batch-norm statistics included) is random, so a tensor
 * stored under the wrong PyTorch name changes the output.
 */
function savedModel(name: string, skip: boolean): { path: string; architecture: ResnetArchitecture } {
  const architecture: ResnetArchitecture = {
    n: 1,
    filters: 4,
    inputShape: [3, 8, 8],
    classes: 3,
    skip,
    hiddenDims: [5],
  };
  const model = resnet({ ...architecture, rng: new Rng(4) });
  const rng = new Rng(11);
  const state: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) {
    const values = new Float32Array(t.size).map(() =>
      k.endsWith('running_var') ? rng.uniform(0.5, 1.5) : rng.normal(0, 0.4),
    );
    state[k] = fromTypedArray(values, t.shape);
  }
  model.loadStateDict(state);
  for (const t of Object.values(state)) t.dispose();
  model.evaluate();
  const path = join(scratch, `${name}.safetensors`);
  const standardization = {
    scale: 1 / 255,
    mean: Float32Array.of(0.5, 0.4, 0.3),
    std: Float32Array.of(0.25, 0.25, 0.2),
  };
  saveModel(path, model, { architecture, classNames: ['a', 'b', 'c'], dataset: 'synthetic' }, standardization);
  model.dispose();
  return { path, architecture };
}

function funtOutput(path: string, input: Float32Array): Float32Array {
  const { model } = loadModel(path);
  const x = fromTypedArray(input, [2, 3, 8, 8]);
  const y = Float32Array.from((model.forward(x) as Tensor).data);
  x.dispose();
  model.dispose();
  return y;
}

describe('export --format torch', () => {
  it('writes the weights under PyTorch state_dict names, with the module file beside them', () => {
    const { path } = savedModel('names', true);
    const lines: string[] = [];
    const out = exportCommand({ model: path, format: 'torch' }, (l) => lines.push(l));
    expect(out).toBe(join(scratch, 'names.torch.safetensors'));
    expect(existsSync(join(scratch, TORCH_MODULE_FILE))).toBe(true);
    expect(lines.join('\n')).toMatch(/funt_resnet\.load\('names\.torch\.safetensors'\)/);
    const { tensors, metadata } = loadSafetensors(out);
    expect(Object.keys(tensors).sort()).toEqual(
      [
        'conv1.weight',
        ...[
          'bn1',
          'layer1.0.bn1',
          'layer1.0.bn2',
          'layer2.0.bn1',
          'layer2.0.bn2',
          'layer3.0.bn1',
          'layer3.0.bn2',
        ].flatMap((bn) => ['weight', 'bias', 'running_mean', 'running_var'].map((t) => `${bn}.${t}`)),
        ...[1, 2, 3].flatMap((s) => [`layer${s}.0.conv1.weight`, `layer${s}.0.conv2.weight`]),
        'hidden.0.weight',
        'hidden.0.bias',
        'fc.weight',
        'fc.bias',
      ].sort(),
    );
    expect(metadata.format).toBe('pt');
    expect(JSON.parse(metadata['funt.resnet'])).toMatchObject({ classNames: ['a', 'b', 'c'], architecture: { n: 1 } });
    for (const t of Object.values(tensors)) t.dispose();
  });

  it.skipIf(torchMissing !== null)(
    'round trip: PyTorch builds the same network (same outputs), saves it, and import reads it back',
    () => {
      for (const skip of [true, false]) {
        const name = skip ? 'resnet' : 'plain';
        const { path } = savedModel(name, skip);
        const dir = join(scratch, `torch-${name}`);
        rmSync(dir, { recursive: true, force: true });
        spawnSync('mkdir', ['-p', dir]);
        const exported = exportCommand({ model: path, format: 'torch', out: join(dir, 'w.safetensors') }, () => {});
        const rng = new Rng(7);
        const input = new Float32Array(2 * 3 * 8 * 8).map(() => rng.normal(0, 1));
        const x = fromTypedArray(input, [2, 3, 8, 8]);
        saveSafetensors({ x }, join(dir, 'input.safetensors'));
        x.dispose();
        const script = [
          'import sys, torch, numpy as np',
          `sys.path.insert(0, ${JSON.stringify(dir)})`,
          'import funt_resnet',
          `model, info = funt_resnet.load(${JSON.stringify(exported)})`,
          `x = torch.from_numpy(np.array(funt_resnet.read_safetensors(${JSON.stringify(join(dir, 'input.safetensors'))})[0]['x']))`,
          'with torch.no_grad(): y = model(x)',
          `funt_resnet.write_safetensors(${JSON.stringify(join(dir, 'torch-output.safetensors'))}, {'y': y.numpy()}, {})`,
          `funt_resnet.save(model, ${JSON.stringify(join(dir, 'back.safetensors'))}, info)`,
        ].join('\n');
        const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);

        const funt = funtOutput(path, input);
        const { tensors } = loadSafetensors(join(dir, 'torch-output.safetensors'));
        const torch = tensors.y.data;
        expect(torch.length).toBe(funt.length);
        // float32 noise relative to the outputs' size (random batch-norm statistics make them large).
        const size = Math.max(...Array.from(funt, Math.abs));
        torch.forEach((v, i) => expect(Math.abs(v - funt[i])).toBeLessThan(1e-5 * Math.max(1, size)));
        tensors.y.dispose();

        // Back: the exported metadata brings the architecture (plain or not), classes and preprocessing.
        const back = importCommand(
          { weights: join(dir, 'back.safetensors'), out: join(dir, 'back-funt.safetensors') },
          () => {},
        );
        const reloaded = loadModel(back);
        expect(reloaded.description.architecture.skip).toBe(skip);
        expect(reloaded.description.classNames).toEqual(['a', 'b', 'c']);
        expect(Array.from(reloaded.standardization.std)).toEqual(Array.from(Float32Array.of(0.25, 0.25, 0.2)));
        reloaded.model.dispose();
        const again = funtOutput(back, input);
        again.forEach((v, i) => expect(v).toBe(funt[i]));
      }
    },
    60_000,
  );
});
