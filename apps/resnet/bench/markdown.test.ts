import { describe, expect, it } from 'vitest';
import { resnetMarkdown, tensorMarkdown } from './markdown.js';
import type { ResultRow } from './results.js';

describe('BENCHMARKS.md tables', () => {
  it('put funt, PyTorch and onnxruntime side by side with the ratios in bold', () => {
    const rows: ResultRow[] = [
      {
        name: 'ResNet-20 training step',
        impl: 'funt',
        backend: 'wasm',
        threads: 1,
        median: 76,
        unit: 'images/s',
        ratioToPytorch: 0.6667,
        best: 82.3,
        cpuRatioToPytorch: 0.42,
        kernels: 'c6e1dd0d28e2',
      },
      {
        name: 'ResNet-20 training step',
        impl: 'pytorch',
        backend: 'torch 1.13',
        threads: 1,
        median: 114,
        unit: 'images/s',
        best: 136,
      },
      {
        name: 'ResNet-20 inference',
        impl: 'funt',
        backend: 'wasm',
        threads: 2,
        median: 1000,
        unit: 'images/s',
        ratioToPytorch: 1.25,
        ratioToOnnxruntime: 0.5,
        best: 1100,
      },
      {
        name: 'ResNet-20 inference',
        impl: 'pytorch',
        backend: 'torch 1.13',
        threads: 2,
        median: 800,
        unit: 'images/s',
      },
      {
        name: 'ResNet-20 inference',
        impl: 'onnxruntime',
        backend: 'onnxruntime-node 1.30.0',
        threads: 2,
        median: 2000,
        unit: 'images/s',
        best: 2400,
      },
      {
        name: 'ResNet-20 epoch (estimate)',
        impl: 'funt',
        backend: 'wasm',
        threads: 2,
        median: 884,
        unit: 's',
        note: 'a | b',
      },
    ];
    const md = resnetMarkdown(rows).split('\n');
    expect(md).toHaveLength(5);
    expect(md[2]).toBe(
      '| ResNet-20 training step | 1 | 76.0 | 114 |  | **0.67** |  | 82.3 | 136 |  | 0.42 | images/s | `c6e1dd0d28e2` |  |',
    );
    expect(md[3]).toBe(
      '| ResNet-20 inference | 2 | 1000 | 800 | 2000 | **1.25** | **0.50** | 1100 |  | 2400 |  | images/s |  |  |',
    );
    expect(md[4]).toBe('| ResNet-20 epoch (estimate) | 2 | 884 |  |  |  |  |  |  |  |  | s |  | a \\| b |');
  });

  it('list the tensor kernels with the optional best and CPU-time figures', () => {
    const md = tensorMarkdown([
      { name: 'sgemm 64', backend: 'wasm', median: 12.375, unit: 'GFLOPS', best: 29.43 },
    ]).split('\n');
    expect(md[2]).toBe('| sgemm 64 | wasm | 12.4 | 29.4 |  | GFLOPS |');
  });
});
