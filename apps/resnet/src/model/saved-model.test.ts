import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSafetensors, fromTypedArray, Rng, type Tensor } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { resnet, stateSizeOf } from './resnet.js';
import { decodeSavedModel, encodeSavedModel, savedModelContents } from './saved-model.js';
import { loadModel, saveModel } from './saved-model-file.js';

const scratch = mkdtempSync(join(tmpdir(), 'funt-saved-model-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const architecture = {
  n: 1,
  filters: 4,
  inputShape: [1, 8, 8] as [number, number, number],
  classes: 3,
  skip: true,
  hiddenDims: [],
};
const description = { architecture, classNames: ['a', 'b', 'c'], dataset: 'synthetic' };
const standardization = { scale: 1 / 255, mean: Float32Array.of(0.5), std: Float32Array.of(0.25) };

describe('model files as bytes (any host) and as files (Node)', () => {
  it('encodes exactly the bytes saveModel writes, and each side reads what the other wrote', () => {
    const model = resnet({ ...architecture, rng: new Rng(3) });
    const path = join(scratch, 'model.safetensors');
    saveModel(path, model, description, standardization);
    const bytes = encodeSavedModel(model, description, standardization);
    expect(Buffer.from(bytes).equals(readFileSync(path))).toBe(true);

    const fromBytes = decodeSavedModel(new Uint8Array(readFileSync(path)), 'upload.safetensors');
    const fromFile = loadModel(path);
    expect(fromBytes.description).toEqual(description);
    expect(fromBytes.standardization).toEqual(fromFile.standardization);
    expect(fromBytes.path).toBe('upload.safetensors');
    const x = fromTypedArray(
      new Float32Array(2 * 64).map((_, i) => Math.sin(i)),
      [2, 1, 8, 8],
    );
    model.evaluate();
    const want = Array.from((model.forward(x) as Tensor).data);
    expect(Array.from((fromBytes.model.forward(x) as Tensor).data)).toEqual(want);
    expect(Array.from((fromFile.model.forward(x) as Tensor).data)).toEqual(want);
  });

  it('names the file when its bytes are not a funt-resnet model', () => {
    const other = encodeSafetensors({ w: fromTypedArray([1, 2], [2]) });
    expect(() => decodeSavedModel(other, 'weights.safetensors')).toThrow(
      /weights\.safetensors is not a funt-resnet model \(no 'funt\.resnet' metadata\)/,
    );
    expect(() => decodeSavedModel(Uint8Array.of(1, 2, 3), 'junk.bin')).toThrow(/junk\.bin/);
  });
});

describe('a model file is checked before it is built or used', () => {
  const model = resnet({ ...architecture, rng: new Rng(3) });
  const good = () => savedModelContents(model, description, standardization);
  /** The bytes of a model file with its tensors and metadata changed by `edit`. */
  function crafted(edit: (tensors: Record<string, Tensor>, meta: Record<string, unknown>) => void): Uint8Array {
    const c = good();
    try {
      const tensors = { ...c.tensors };
      const meta = JSON.parse(c.metadata['funt.resnet']);
      edit(tensors, meta);
      return encodeSafetensors(tensors, { 'funt.resnet': JSON.stringify(meta) });
    } finally {
      c.dispose();
    }
  }

  it('counts the state of every architecture without building it', () => {
    for (const a of [
      architecture,
      { ...architecture, n: 2, filters: 3, inputShape: [3, 12, 8] as [number, number, number], hiddenDims: [7, 5] },
      { ...architecture, skip: false, classes: 10 },
    ]) {
      const net = resnet({ ...a, rng: new Rng(0) });
      const size = Object.values(net.stateDict()).reduce((s, t) => s + t.size, 0);
      expect(stateSizeOf(a)).toBe(size);
      net.dispose();
    }
  });

  it('refuses to save or load NaN or ∞ weights, naming the file and the tensor', () => {
    const bad = resnet({ ...architecture, rng: new Rng(3) });
    bad.stateDict()['1.running_var'].data[2] = Number.POSITIVE_INFINITY;
    const path = join(scratch, 'diverged.safetensors');
    expect(() => saveModel(path, bad, description, standardization)).toThrow(
      /diverged\.safetensors: tensor 'model\.1\.running_var' holds Infinity \(element 2\)/,
    );
    expect(existsSync(path)).toBe(false);
    const bytes = crafted((t) => {
      const w = t['model.0.weight'];
      const copy = fromTypedArray(Float32Array.from(w.data), w.shape);
      copy.data[5] = Number.NaN;
      t['model.0.weight'] = copy;
    });
    expect(() => decodeSavedModel(bytes, 'nan.safetensors')).toThrow(
      /nan\.safetensors: tensor 'model\.0\.weight' holds NaN \(element 5\)/,
    );
    bad.dispose();
  });

  it('names the file for bad metadata, missing standardisation and a damaged architecture', () => {
    const c = good();
    const badJson = encodeSafetensors(c.tensors, { 'funt.resnet': '{"architecture": ' });
    c.dispose();
    expect(() => decodeSavedModel(badJson, 'm.safetensors')).toThrow(
      /m\.safetensors: the 'funt\.resnet' metadata is not valid JSON/,
    );
    const noMean = crafted((t) => {
      delete t['preprocess.mean'];
    });
    expect(() => decodeSavedModel(noMean, 'm.safetensors')).toThrow(
      /m\.safetensors: tensor 'preprocess\.mean' is missing/,
    );
    const noArch = crafted((_, m) => {
      delete m.architecture;
    });
    expect(() => decodeSavedModel(noArch, 'm.safetensors')).toThrow(/m\.safetensors: .* has no architecture/);
    const badN = crafted((_, m) => {
      (m.architecture as { n: unknown }).n = 'many';
    });
    expect(() => decodeSavedModel(badN, 'm.safetensors')).toThrow(/m\.safetensors: resnet: n must be an integer/);
  });

  it('cannot make a reader build a network larger than the file', () => {
    // 10^6 blocks per stage of 4096 filters would be ~10^15 weights: refused before building.
    const huge = crafted((_, m) => {
      Object.assign(m.architecture as object, { n: 1_000_000, filters: 4096 });
    });
    expect(() => decodeSavedModel(huge, 'huge.safetensors')).toThrow(
      /huge\.safetensors: its architecture needs \d+(\.\d+)?(e\+\d+)? weights, the file holds \d+/,
    );
    const wide = crafted((_, m) => {
      (m.architecture as { inputShape: number[] }).inputShape = [1, 65536, 65536];
    });
    expect(() => decodeSavedModel(wide, 'wide.safetensors')).toThrow(
      /wide\.safetensors: .*larger than the \d+ allowed/,
    );
  });
});
