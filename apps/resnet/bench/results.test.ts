import { describe, expect, it } from 'vitest';
import type { Impl, Measurement, Mode } from './measurement.js';
import {
  checkTargets,
  formatTable,
  isEpochRow,
  nativeTargets,
  type Pair,
  pairedScalingRows,
  pairRows,
  scalingRows,
} from './results.js';
import type { Scaling } from './scaling.js';

function m(
  impl: Impl,
  threads: number,
  imagesPerSecond: number,
  peakMiB: number,
  threadsApplied = true,
  mode: Mode = 'train',
): Measurement {
  const median = 128 / imagesPerSecond;
  return {
    impl,
    backend: { funt: 'wasm', native: 'native', pytorch: 'torch 1.13', onnxruntime: 'onnxruntime-node 1.30.0' }[impl],
    model: 'ResNet-20',
    n: 3,
    mode,
    threads,
    threadsApplied,
    batch: 128,
    seconds: [median, median / 2, median * 2],
    cpuSeconds: [median / 2, median / 2, median],
    median,
    imagesPerSecond,
    peakRssBytes: peakMiB * 1024 * 1024,
  };
}

describe('results', () => {
  const pairs: Pair[] = [
    {
      model: 'ResNet-20',
      mode: 'train',
      threads: 1,
      funt: m('funt', 1, 100, 500),
      native: null,
      pytorch: m('pytorch', 1, 300, 650),
      onnxruntime: null,
    },
    {
      model: 'ResNet-20',
      mode: 'train',
      threads: 2,
      funt: m('funt', 2, 180, 520),
      native: null,
      pytorch: m('pytorch', 2, 500, 660),
      onnxruntime: null,
    },
  ];
  const inference = (threads: number, funt: number, torch: number, ort: number): Pair => ({
    model: 'ResNet-20',
    mode: 'infer',
    threads,
    funt: m('funt', threads, funt, 100, true, 'infer'),
    native: null,
    pytorch: m('pytorch', threads, torch, 300, true, 'infer'),
    onnxruntime: m('onnxruntime', threads, ort, 120, true, 'infer'),
  });

  it('gives funt/PyTorch ratios for throughput and peak memory, and the fastest step as best', () => {
    const rows = pairRows(pairs[0]);
    const speed = rows.find((r) => r.impl === 'funt' && r.unit === 'images/s')!;
    expect(speed).toMatchObject({ name: 'ResNet-20 training step', threads: 1, median: 100, best: 200 });
    expect(speed.ratioToPytorch).toBeCloseTo(1 / 3, 4);
    const mem = rows.find((r) => r.impl === 'funt' && r.unit === 'MiB')!;
    expect(mem.ratioToPytorch).toBeCloseTo(500 / 650, 4);
    expect(rows.filter((r) => r.impl === 'pytorch').every((r) => r.ratioToPytorch === undefined)).toBe(true);
    // Images per CPU-second: 128 / median CPU seconds (half the wall-clock median here).
    expect(speed.perCpuSecond).toBeCloseTo(200, 6);
    expect(speed.cpuRatioToPytorch).toBeCloseTo(1 / 3, 4);
    // Not on multi-thread rows, where CPU time also counts threads waiting for each other.
    expect(pairRows(pairs[1])[0].perCpuSecond).toBeUndefined();
  });

  it('gives funt/onnxruntime ratios on inference, and a speed-up for onnxruntime too', () => {
    const rows = [inference(1, 400, 500, 800), inference(2, 700, 800, 1400)].flatMap(pairRows);
    const speed = rows.find((r) => r.impl === 'funt' && r.unit === 'images/s' && r.threads === 2)!;
    expect(speed.ratioToOnnxruntime).toBeCloseTo(0.5, 6);
    expect(speed.ratioToPytorch).toBeCloseTo(700 / 800, 6);
    const mem = rows.find((r) => r.impl === 'funt' && r.unit === 'MiB' && r.threads === 2)!;
    expect(mem.ratioToOnnxruntime).toBeCloseTo(100 / 120, 4);
    expect(rows.filter((r) => r.impl === 'onnxruntime')).toHaveLength(4);
    const ortScaling = scalingRows([inference(1, 400, 500, 800), inference(2, 700, 800, 1400)]).find(
      (r) => r.impl === 'onnxruntime',
    )!;
    expect(ortScaling.median).toBeCloseTo(1.75, 6);
    expect(formatTable(rows)).toMatch(/ResNet-20 inference\s+2\s+700\s+800\s+1400\s+0\.88\s+0\.50\s+images\/s/);
  });

  it('checks inference against 0.8× onnxruntime and 1× PyTorch with all threads', () => {
    const rows = [inference(1, 400, 500, 800), inference(2, 1200, 800, 1400)].flatMap(pairRows);
    expect(checkTargets(rows, 2).map((t) => [t.label, t.status, t.detail])).toEqual([
      ['ResNet-20 inference vs onnxruntime, 2 threads', 'met', '0.86× onnxruntime (target ≥ 0.8×)'],
      ['ResNet-20 inference vs PyTorch, 2 threads', 'met', '1.50× PyTorch (target ≥ 1×)'],
      ['ResNet-20 inference peak RSS, 2 threads', 'met', "100 MiB = 0.33× PyTorch's (target ≤ 1×)"],
    ]);
    // onnxruntime with 2 threads slower than with 1: its spinning threads met a busy machine.
    const busy = [inference(1, 400, 500, 800), inference(2, 600, 800, 700)].flatMap(pairRows);
    expect(checkTargets(busy, 2)[0].status).toBe('unreliable');
  });

  it('notes a thread count the build could not apply', () => {
    const rows = pairRows({ ...pairs[1], funt: m('funt', 2, 100, 500, false) });
    expect(rows[0].note).toMatch(/asked for 2 threads/);
  });

  it('computes the speed-up of all threads over one, and checks the performance targets', () => {
    const rows = [...pairs.flatMap(pairRows), ...scalingRows(pairs)];
    const funtScaling = rows.find((r) => r.unit === '×' && r.impl === 'funt')!;
    expect(funtScaling.median).toBeCloseTo(1.8, 6);
    const targets = checkTargets(rows, 2);
    expect(targets.map((t) => [t.label, t.status])).toEqual([
      ['ResNet-20 training vs PyTorch, 1 thread', 'missed'],
      ['ResNet-20 training vs PyTorch, 2 threads', 'missed'],
      ['funt 2 threads over 1 (training)', 'met'],
      ['ResNet-20 training peak RSS, 2 threads', 'met'],
    ]);
    expect(targets[1].detail).toMatch(/0\.36× PyTorch \(target ≥ 1×; 2\.78× short\)/);
    const table = formatTable(rows);
    expect(table).toMatch(/ResNet-20 training step\s+2\s+180\s+500\s+0\.36\s+images\/s/);
  });

  it('judges the thread target on the paired speed-up when there is one, showing the unpaired one beside it', () => {
    const paired = (impl: 'funt' | 'pytorch', speedUp: number): Scaling => ({
      impl,
      backend: 'x',
      model: 'ResNet-20',
      n: 3,
      mode: 'train',
      threads: 2,
      batch: 128,
      rounds: 3,
      secondsOne: Array(6).fill(1),
      secondsMany: Array(6).fill(1 / speedUp),
      speedUp,
    });
    // Unpaired 1.8× (met), paired 1.6× (missed): the paired figure decides.
    const rows = [
      ...pairs.flatMap(pairRows),
      ...scalingRows(pairs),
      ...pairedScalingRows([paired('funt', 1.6), paired('pytorch', 1.9)]),
    ];
    const row = rows.find(
      (r) => r.name === 'ResNet-20 training step speed-up 2 threads / 1, paired in one process' && r.impl === 'funt',
    )!;
    expect(row).toMatchObject({
      median: 1.6,
      unit: '×',
      threads: 2,
      note: '3 rounds of 2 steps at 1 thread then 2 at 2',
    });
    const target = checkTargets(rows, 2).find((t) => t.label === 'funt 2 threads over 1 (training)')!;
    expect(target.status).toBe('missed');
    expect(target.detail).toBe(
      '1.60× paired in one process (PyTorch 1.90×); 1.80× from the separate 1- and 2-thread runs (target ≥ 1.7×)',
    );
  });

  it('calls a ratio target unreliable when PyTorch with all threads was slower than with one', () => {
    const slow: Pair = { ...pairs[1], pytorch: m('pytorch', 2, 40, 660) };
    const rows = [...[pairs[0], slow].flatMap(pairRows), ...scalingRows([pairs[0], slow])];
    const training = checkTargets(rows, 2)[1];
    expect(training.status).toBe('unreliable');
    expect(training.detail).toMatch(/PyTorch's 2-thread run \(40 images\/s\) was slower than its 1-thread run \(300\)/);
  });

  it('gives the native backend its ratios to wasm, PyTorch and onnxruntime, its columns and its targets', () => {
    const train = (threads: number, funt: number, native: number, torch: number): Pair => ({
      model: 'ResNet-20',
      mode: 'train',
      threads,
      funt: m('funt', threads, funt, 300),
      native: m('native', threads, native, 320),
      pytorch: m('pytorch', threads, torch, 600),
      onnxruntime: null,
    });
    const infer: Pair = {
      model: 'ResNet-20',
      mode: 'infer',
      threads: 2,
      funt: m('funt', 2, 800, 100, true, 'infer'),
      native: m('native', 2, 1300, 110, true, 'infer'),
      pytorch: m('pytorch', 2, 900, 300, true, 'infer'),
      onnxruntime: m('onnxruntime', 2, 1000, 120, true, 'infer'),
    };
    const pairs = [train(1, 150, 200, 190), train(2, 260, 380, 300), infer];
    const rows = [...pairs.flatMap(pairRows), ...scalingRows(pairs)];
    const speed = rows.find((r) => r.impl === 'native' && r.name === 'ResNet-20 training step' && r.threads === 2);
    expect(speed).toMatchObject({ ratioToWasm: 1.4615, ratioToPytorch: 1.2667 });
    expect(rows.find((r) => r.impl === 'native' && r.name === 'ResNet-20 inference')?.ratioToOnnxruntime).toBe(1.3);
    expect(formatTable(rows)).toMatch(/native\/wasm/);
    const targets = nativeTargets(rows, 2);
    expect(targets.map((t) => [t.label, t.status])).toEqual([
      ['native: ResNet-20 training vs PyTorch, 2 threads', 'missed'],
      ['native: ResNet-20 inference vs onnxruntime, 2 threads', 'met'],
      ['native: ResNet-20 training vs wasm, 2 threads', 'met'],
      ['native: 2 threads over 1 (training)', 'met'],
      ['native: ResNet-20 training peak RSS, 2 threads', 'met'],
    ]);
    expect(targets[0].detail).toBe('1.27× PyTorch (target ≥ 2×; 1.58× short)');
    // funt's own targets are unchanged by the native rows, and list the native ones after them.
    expect(checkTargets(rows, 2).filter((t) => t.label.startsWith('native:'))).toHaveLength(5);
  });

  it('tells the epoch figures from the step figures', () => {
    expect(isEpochRow({ name: 'ResNet-20 epoch (estimate) throughput' })).toBe(true);
    expect(pairRows(pairs[0]).some(isEpochRow)).toBe(false);
  });
});
