import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmbeddedMnist, parseIdx } from '@funt/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { idxBytes } from './mnist60k.js';
import { torchStatus } from './pytorch.js';
import { checkTargets, type ResultRow } from './results.js';
import { runTta, type TtaRun, ttaRows } from './tta.js';
import { trainFunt } from './tta-funt.js';
import { parseTtaRecord, type TtaConfig, type TtaRecord } from './tta-record.js';

const dir = mkdtempSync(join(tmpdir(), 'funt-tta-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRAIN = 640;

/** 640 training and 120 held-out real digits in MNIST's IDX layout: what mnist60k.ts writes, small. */
function smallSet(): string {
  const { train, test } = loadEmbeddedMnist({ trainSize: TRAIN, testSize: 120, seed: 3 });
  const write = (name: string, dims: number[], values: Uint8Array) =>
    writeFileSync(join(dir, name), idxBytes(dims, values));
  write('train-images-idx3-ubyte', [TRAIN, 28, 28], train.images as Uint8Array);
  write('train-labels-idx1-ubyte', [TRAIN], Uint8Array.from(train.labels));
  write('t10k-images-idx3-ubyte', [120, 28, 28], test.images as Uint8Array);
  write('t10k-labels-idx1-ubyte', [120], Uint8Array.from(test.labels));
  return dir;
}

const torch = torchStatus();

describe('the end-to-end training run', () => {
  it('writes IDX files that parse back to the same values', () => {
    const values = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
    const back = parseIdx(idxBytes([2, 3, 4], values), 'x', 3);
    expect(back.dims).toEqual([2, 3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(values));
  });

  it('trains on funt and on PyTorch with the same recipe to the same kind of accuracy, and both records parse', async () => {
    const config: TtaConfig = { data: smallSet(), epochs: 6, threads: 1, seed: 0, validation: 40 };
    const records: TtaRecord[] = [await trainFunt(config, () => {})];
    if (torch.available) records.push(runTta('pytorch', config).record);
    else console.log(`skipped the PyTorch side: ${torch.reason}`);
    for (const r of records) {
      expect(parseTtaRecord(JSON.stringify(r), r.impl)).toEqual(r);
      expect(r).toMatchObject({ epochs: 6, threads: 1, trainImages: TRAIN, testImages: 80 });
      expect(r.epochSeconds).toHaveLength(6);
      // 640 digits, 60 iterations: well above chance (10%), far from MNIST's 99% (both sides
      // measured near 0.6-0.7 here).
      expect(r.testAccuracy, r.impl).toBeGreaterThan(0.35);
      expect(r.valAccuracy[r.bestEpoch - 1]).toBe(Math.max(...r.valAccuracy));
    }
  }, 240_000);

  it('refuses a record with a field missing or out of range, naming it', () => {
    const good = {
      impl: 'funt',
      backend: 'wasm',
      epochs: 1,
      threads: 2,
      trainImages: 10,
      trainSeconds: 1,
      epochSeconds: [1],
      valAccuracy: [0.5],
      bestEpoch: 1,
      testAccuracy: 0.5,
      testImages: 5,
      peakRssBytes: 1,
    };
    expect(parseTtaRecord(JSON.stringify(good), 'x').impl).toBe('funt');
    expect(() => parseTtaRecord(JSON.stringify({ ...good, testAccuracy: 1.5 }), 'x')).toThrow(
      /field 'testAccuracy' must be a number in \[0, 1\]/,
    );
    expect(() => parseTtaRecord(JSON.stringify({ ...good, epochSeconds: [] }), 'x')).toThrow(
      /field 'epochSeconds' must be a list of 1 non-negative numbers/,
    );
  });

  it('gives medians, funt/PyTorch ratios and the target: no slower at the same accuracy (0.3 points)', () => {
    const run = (impl: 'funt' | 'pytorch', wall: number, acc: number): TtaRun => ({
      wallSeconds: wall,
      record: {
        impl,
        backend: impl === 'funt' ? 'wasm' : 'torch 1.13',
        epochs: 5,
        threads: 2,
        trainImages: 60000,
        trainSeconds: wall - 2,
        epochSeconds: [1, 1, 1, 1, 1],
        valAccuracy: [0.9, 0.9, 0.9, 0.9, 0.9],
        bestEpoch: 5,
        testAccuracy: acc,
        testImages: 2000,
        peakRssBytes: 2 ** 29,
      },
    });
    const rows = ttaRows(
      [run('funt', 90, 0.99), run('funt', 100, 0.991), run('funt', 95, 0.99)],
      [run('pytorch', 100, 0.992)],
      5,
    );
    const wall = rows.find((r) => r.impl === 'funt' && r.name.endsWith(': wall time'))!;
    expect(wall).toMatchObject({ median: 95, unit: 's', ratioToPytorch: 0.95 });
    expect(wall.name).toBe('end-to-end ResNet-14 (F=8), 60,000 digits, 5 epochs: wall time');
    expect(wall.note).toBe('3 runs: 90.0, 100.0, 95.0');
    const acc = rows.find((r) => r.impl === 'funt' && r.name.endsWith(': test accuracy'))!;
    expect(acc).toMatchObject({ median: 99, unit: '%' });
    expect(acc.ratioToPytorch).toBeUndefined();
    const target = (rs: ResultRow[]) => checkTargets(rs, 2).find((t) => t.label === 'end-to-end training run')!;
    expect(target(rows).status).toBe('met');
    const worse = ttaRows([run('funt', 90, 0.988)], [run('pytorch', 100, 0.992)], 5);
    expect(target(worse).status).toBe('missed');
    expect(target(worse).detail).toMatch(/0\.90× PyTorch's wall time, test accuracy 98\.80% against 99\.20%/);
    const slower = ttaRows([run('funt', 110, 0.992)], [run('pytorch', 100, 0.992)], 5);
    expect(target(slower).status).toBe('missed');
  });
});
