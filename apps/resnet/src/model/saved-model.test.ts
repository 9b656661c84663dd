import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSafetensors, fromTypedArray, Rng, type Tensor } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { resnet } from './resnet.js';
import { decodeSavedModel, encodeSavedModel } from './saved-model.js';
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
