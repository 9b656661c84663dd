import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors, type Tensor } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../model/saved-model-file.js';
import { fixture } from '../testing/fixtures.js';
import { importCommand } from './import.js';

const scratch = mkdtempSync(join(tmpdir(), 'funt-import-cmd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('import', () => {
  it('turns PyTorch weights into a saved funt model that loadModel (eval, saliency, fool) reads, with PyTorch-equal outputs', () => {
    const out = join(scratch, 'imported.safetensors');
    const lines: string[] = [];
    importCommand(
      { weights: fixture('resnet8-torch-state.safetensors'), out, dataset: 'mnist', mean: [0.1307], std: [0.3081] },
      (l) => lines.push(l),
    );
    expect(lines[0]).toMatch(/ResNet-8 \(n = 1, 4 filters, 1×32×32 inputs, 10 classes, hidden 16\)/);
    expect(lines[1]).toBe('not needed by funt: 7 PyTorch batch counters (num_batches_tracked)');
    const saved = loadModel(out);
    expect(saved.description).toMatchObject({
      dataset: 'mnist',
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    });
    expect(saved.standardization.scale).toBeCloseTo(1 / 255, 12);
    expect(Array.from(saved.standardization.std)).toEqual([Math.fround(0.3081)]);
    const { tensors } = loadSafetensors(fixture('resnet8-torch-expected.safetensors'));
    const got = (saved.model.forward(tensors.input) as Tensor).data;
    tensors['eval/output'].data.forEach((v, i) => expect(Math.abs(v - got[i])).toBeLessThan(1e-4));
    saved.model.dispose();
    for (const t of Object.values(tensors)) t.dispose();
  });

  it('says which flag is wrong', () => {
    const weights = fixture('resnet8-torch-state.safetensors');
    const out = join(scratch, 'bad.safetensors');
    expect(() => importCommand({ weights, out, mean: [0.1, 0.2, 0.3] }, () => {})).toThrow(
      '--mean needs 1 value, got 3',
    );
    expect(() => importCommand({ weights, out, classNames: ['x', 'y'] }, () => {})).toThrow(
      '--class-names lists 2 names but the model has 10 classes',
    );
    expect(() => importCommand({ weights: join(scratch, 'nope.safetensors'), out }, () => {})).toThrow(
      /nope\.safetensors does not exist/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses weights holding NaN or ∞, naming the file and the tensor', () => {
    const { tensors, metadata } = loadSafetensors(fixture('resnet8-torch-state.safetensors'), {
      skipUnsupported: true,
    });
    const name = Object.keys(tensors).find((k) => k.endsWith('.weight'))!;
    tensors[name].data[3] = Number.NaN;
    const weights = join(scratch, 'diverged-torch.safetensors');
    saveSafetensors(tensors, weights, metadata);
    for (const t of Object.values(tensors)) t.dispose();
    const out = join(scratch, 'diverged.safetensors');
    expect(() => importCommand({ weights, out }, () => {})).toThrow(
      new RegExp(`diverged-torch\\.safetensors: tensor '${name.replace(/\./g, '\\.')}' holds NaN \\(element 3\\)`),
    );
    expect(existsSync(out)).toBe(false);
  });
});
