import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromTypedArray, loadSafetensors, saveSafetensors, type Tensor } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../testing/fixtures.js';
import { importTorchSafetensors, inferArchitecture } from './import-torch.js';

/** A PyTorch state_dict as saved by PyTorch users: float32 weights plus int64 batch counters. */
const STATE = fixture('resnet8-torch-state.safetensors');
/** An input batch and PyTorch's eval-mode output for it (computed in float64). */
const EXPECTED = fixture('resnet8-torch-expected.safetensors');

const scratch = mkdtempSync(join(tmpdir(), 'funt-import-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the fixture's state with some entries renamed, dropped or replaced. */
function edited(name: string, edit: (state: Record<string, Tensor>) => void): string {
  const { tensors, metadata } = loadSafetensors(STATE, { skipUnsupported: true });
  edit(tensors);
  const path = join(scratch, name);
  saveSafetensors(tensors, path, metadata);
  for (const t of Object.values(tensors)) t.dispose();
  return path;
}

/** The fixture with conv1.weight stored as F16 (as `model.half()` would save it), written by hand. */
function halfPrecision(): string {
  const { tensors } = loadSafetensors(STATE, { skipUnsupported: true });
  const header: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes =
      name === 'conv1.weight' ? new Uint8Array(t.size * 2) : new Uint8Array(Float32Array.from(t.data).buffer);
    header[name] = {
      dtype: name === 'conv1.weight' ? 'F16' : 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
    t.dispose();
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const path = join(scratch, 'half.safetensors');
  writeFileSync(path, Buffer.concat([length, json, ...chunks]));
  return path;
}

describe('importTorchSafetensors', () => {
  it('reads the architecture off a PyTorch state_dict and reproduces PyTorch eval outputs', () => {
    const { model, architecture, skipped } = importTorchSafetensors(STATE);
    expect(architecture).toEqual({
      n: 1,
      filters: 4,
      inputShape: [1, 32, 32],
      classes: 10,
      skip: true,
      hiddenDims: [16],
    });
    expect(skipped).toHaveLength(7); // one int64 num_batches_tracked per batch norm
    expect(skipped.every((k) => k.endsWith('.num_batches_tracked'))).toBe(true);
    expect(model.namedModules().every(([, m]) => !m.isTraining)).toBe(true);
    const { tensors } = loadSafetensors(EXPECTED);
    const out = model.forward(tensors.input) as Tensor;
    const want = tensors['eval/output'].data;
    expect(out.shape).toEqual(tensors['eval/output'].shape);
    let worst = 0;
    out.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]))));
    expect(worst).toBeLessThan(1e-4);
    model.dispose();
    for (const t of Object.values(tensors)) t.dispose();
  });

  it('takes the input size (which no weight records) as an option', () => {
    const { model, architecture } = importTorchSafetensors(STATE, { inputSize: [28, 28], skip: false });
    expect(architecture.inputShape).toEqual([1, 28, 28]);
    expect(architecture.skip).toBe(false);
    model.dispose();
  });

  it('names what does not fit: a missing tensor, a wrong shape, an extra tensor', () => {
    const missing = edited('missing.safetensors', (s) => delete s['layer2.0.bn1.running_mean']);
    expect(() => importTorchSafetensors(missing)).toThrow(
      /missing 'layer2\.0\.bn1\.running_mean' \(funt '4\.0\.0\.1\.running_mean'\)/,
    );
    const reshaped = edited('reshaped.safetensors', (s) => {
      s['fc.bias'] = fromTypedArray(new Float32Array(11), [11]);
    });
    expect(() => importTorchSafetensors(reshaped)).toThrow(
      /'fc\.bias' has shape \[11\] where funt '.*\.bias' needs \[10\]/,
    );
    const extra = edited('extra.safetensors', (s) => {
      s['layer1.0.shortcut.0.weight'] = fromTypedArray(new Float32Array(16), [4, 4, 1, 1]);
    });
    expect(() => importTorchSafetensors(extra)).toThrow(/unexpected 'layer1\.0\.shortcut\.0\.weight'/);
  });

  it('refuses files that are not a PyTorch ResNet, with the file named', () => {
    const other = edited('other.safetensors', (s) => {
      s['linear.weight'] = s['fc.weight'];
      delete s['fc.weight'];
    });
    expect(() => importTorchSafetensors(other)).toThrow(
      new RegExp(`${other}: not a PyTorch ResNet state_dict \\(no 'fc\\.weight'\\)`),
    );
    const uneven = edited('uneven.safetensors', (s) => {
      for (const k of Object.keys(s)) if (k.startsWith('layer3.')) delete s[k];
    });
    expect(() => importTorchSafetensors(uneven)).toThrow(
      /same number of blocks in layer1, layer2 and layer3, found 1, 1, 0/,
    );
    expect(() => importTorchSafetensors(halfPrecision())).toThrow(
      /'conv1\.weight' has a dtype funt cannot read \(F32 and F64 only/,
    );
  });

  it('inferArchitecture needs the stem convolution', () => {
    expect(() => inferArchitecture({}, {}, 'x.safetensors')).toThrow(
      "x.safetensors: not a PyTorch ResNet state_dict (no 'conv1.weight')",
    );
  });
});
