import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear, Sequential } from '@funt/layers';
import { Rng } from '@funt/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportOnnx } from './export.js';
import { saveOnnx } from './save.js';

afterEach(() => {
  vi.doUnmock('onnxruntime-node');
  vi.resetModules();
});

describe('runOnnx and saveOnnx', () => {
  it('says what to install when onnxruntime-node is missing', async () => {
    vi.resetModules();
    vi.doMock('onnxruntime-node', () => {
      throw new Error("Cannot find package 'onnxruntime-node'");
    });
    const { runOnnx } = await import('./onnxruntime.js');
    await expect(runOnnx(new Uint8Array(0), {})).rejects.toThrow(
      /runOnnx needs the onnxruntime-node package \(npm install onnxruntime-node\)/,
    );
  });

  it('saveOnnx writes exactly the bytes exportOnnx returns, and runOnnx runs them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'funt-onnx-'));
    try {
      const net = new Sequential(new Linear(3, 2));
      net.reset({ rng: new Rng(9) });
      const path = join(dir, 'linear.onnx');
      saveOnnx(net, [3], path);
      const bytes = readFileSync(path);
      expect(new Uint8Array(bytes)).toEqual(exportOnnx(net, [3]));
      const { runOnnx } = await import('./onnxruntime.js');
      const out = await runOnnx(bytes, { input: { data: Float32Array.from([1, 0, 0]), dims: [1, 3] } });
      // One-hot input: the output is the first weight column plus the bias.
      const w = net.get(0) as Linear;
      expect(Array.from(out.output.data)).toEqual(
        [0, 1].map((o) => Math.fround(w.weight.data[o * 3] + w.bias!.data[o])),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
