import { describe, expect, it } from 'vitest';
import { programHarness as harness } from '../../testing/program.js';

describe('funt-resnet export / import flags', () => {
  it('export: --model, ONNX by default, --out, --batch-size and --fold-batch-norms', async () => {
    const h = harness();
    expect(await h.run(['export', '--model', 'runs/a'])).toBe(0);
    expect(
      await h.run(['export', '--model', 'm.safetensors', '--format', 'onnx', '--out', 'm.onnx', '--batch-size', '16']),
    ).toBe(0);
    expect(await h.run(['export', '--model', 'runs/a', '--fold-batch-norms'])).toBe(0);
    expect(await h.run(['export', '--model', 'runs/a', '--format', 'torch'])).toBe(0);
    expect(h.calls.map((c) => [c.name, c.args[0]])).toEqual([
      ['exportModel', { model: 'runs/a', format: 'onnx' }],
      ['exportModel', { model: 'm.safetensors', format: 'onnx', out: 'm.onnx', batchSize: 16 }],
      ['exportModel', { model: 'runs/a', format: 'onnx', foldBatchNorms: true }],
      ['exportModel', { model: 'runs/a', format: 'torch' }],
    ]);
  });

  it('export: one-line errors and exit 2 for an unknown format or a missing --model', async () => {
    const h = harness();
    expect(await h.run(['export', '--model', 'm', '--format', 'tflite'])).toBe(2);
    expect(h.err()).toMatch(
      /^funt-resnet export: option '--format <name>' argument 'tflite' is invalid\. Allowed choices are onnx, torch\./,
    );
    expect(await h.run(['export'])).toBe(2);
    expect(h.err()).toMatch(/required option '--model <path>' not specified/);
    expect(h.calls).toHaveLength(0);
  });

  it('import: weights, --out and the preprocessing and architecture flags', async () => {
    const h = harness();
    const argv = [
      'import',
      'w.safetensors',
      '--out',
      'model.safetensors',
      '--dataset',
      'cifar10',
      '--input-size',
      '28x28',
      '--no-skip',
      '--scale',
      '0.5',
      '--mean',
      '0.49,0.48,0.45',
      '--std',
      '0.25',
      '--class-names',
      'cat, dog',
    ];
    expect(await h.run(argv)).toBe(0);
    expect(h.calls[0]).toEqual({
      name: 'importTorch',
      args: [
        'w.safetensors',
        {
          out: 'model.safetensors',
          dataset: 'cifar10',
          inputSize: [28, 28],
          skip: false,
          scale: 0.5,
          mean: [0.49, 0.48, 0.45],
          std: [0.25],
          classNames: ['cat', 'dog'],
        },
      ],
    });
    expect(await h.run(['import', 'w.safetensors', '--out', 'm.safetensors'])).toBe(0);
    // No defaults here: the command takes them from a funt export's metadata, else 32×32 and 1/255.
    // Without --no-skip the architecture is not said either: skip stays unset.
    expect(h.calls[1].args[1]).toEqual({ out: 'm.safetensors', skip: undefined });
  });

  it('import: bad values name the flag', async () => {
    const h = harness();
    expect(await h.run(['import', 'w', '--out', 'o', '--mean', '0.4,x'])).toBe(2);
    expect(h.err()).toMatch(
      /option '--mean <values>' argument '0\.4,x' is invalid\. expected numbers separated by commas/,
    );
    expect(await h.run(['import', 'w', '--out', 'o', '--input-size', '32'])).toBe(2);
    expect(h.err()).toMatch(/expected height,width \(e\.g\. 32,32\), got '32'/);
    expect(await h.run(['import', '--out', 'o'])).toBe(2);
    expect(h.err()).toMatch(/missing required argument 'weights'/);
    expect(h.calls).toHaveLength(0);
  });
});
