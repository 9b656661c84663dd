/**
 * The end-to-end figure: the wall time of a whole training run, and the accuracy it reaches,
 * on funt and on PyTorch with the same recipe on the same 60,000 images (mnist60k.ts), in the
 * same benchmark run. funt runs the app's `train` command (tta-funt.ts), PyTorch the same
 * recipe written out (pytorch_tta.py); each run is a child process whose wall time counts from
 * its start to its exit (start-up, imports, reading the files, training with the per-epoch
 * checks, saving and testing the model). With several rounds the order alternates (funt first
 * in odd rounds, PyTorch first in even ones) and the medians are compared.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median } from './measure.js';
import { benchDistDir, benchSourceDir } from './paths.js';
import { PYTHON } from './pytorch.js';
import { type ResultRow, TTA_PREFIX } from './results.js';
import { parseTtaRecord, type TtaConfig, type TtaRecord, ttaFlags } from './tta-record.js';

/** One training run as the driver saw it: the child's record and its wall time. */
export interface TtaRun {
  record: TtaRecord;
  /** From spawning the child to its exit. */
  wallSeconds: number;
}

/** Runs one training run in a child process: funt's under this Node, PyTorch's under Debian's Python. */
export function runTta(impl: 'funt' | 'pytorch', c: TtaConfig, script?: string): TtaRun {
  const flags = ttaFlags(c);
  const [command, args] =
    impl === 'funt'
      ? [process.execPath, [script ?? join(benchDistDir, 'tta-funt.js'), ...flags]]
      : [PYTHON, [script ?? join(benchSourceDir, 'pytorch_tta.py'), ...flags]];
  const source = `${impl === 'funt' ? 'node tta-funt.js' : `${PYTHON} pytorch_tta.py`} ${flags.join(' ')}`;
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`${source}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${source} exited with code ${r.status}`);
  return { record: parseTtaRecord(r.stdout, source), wallSeconds };
}

const MiB = 1024 * 1024;

/**
 * The rows of the end-to-end figure: medians over the runs of each side (wall time, training
 * time, test accuracy in %, peak RSS), funt's with its ratio to PyTorch's.
 */
export function ttaRows(funt: TtaRun[], pytorch: TtaRun[], epochs: number): ResultRow[] {
  const first = funt[0] ?? pytorch[0];
  if (first === undefined) return [];
  const what = `${TTA_PREFIX} ResNet-14 (F=8), ${first.record.trainImages.toLocaleString('en-US')} digits, ${epochs} epochs`;
  const figures: [string, string, (r: TtaRun) => number][] = [
    ['wall time', 's', (r) => r.wallSeconds],
    ['training time', 's', (r) => r.record.trainSeconds],
    ['test accuracy', '%', (r) => 100 * r.record.testAccuracy],
    ['peak RSS', 'MiB', (r) => r.record.peakRssBytes / MiB],
  ];
  const rows: ResultRow[] = [];
  for (const [figure, unit, f] of figures) {
    const mf = funt.length ? median(funt.map(f)) : undefined;
    const mp = pytorch.length ? median(pytorch.map(f)) : undefined;
    const runs = (rs: TtaRun[]) =>
      `${rs.length} run${rs.length > 1 ? 's' : ''}: ${rs
        .map(f)
        .map((x) => x.toFixed(unit === '%' ? 2 : 1))
        .join(', ')}`;
    for (const [impl, m, rs] of [
      ['funt', mf, funt],
      ['pytorch', mp, pytorch],
    ] as const) {
      if (m === undefined) continue;
      rows.push({
        name: `${what}: ${figure}`,
        impl,
        backend: rs[0].record.backend,
        threads: rs[0].record.threads,
        median: Number(m.toPrecision(4)),
        unit,
        ...(impl === 'funt' && mp !== undefined && unit !== '%'
          ? { ratioToPytorch: Number((m / mp).toPrecision(4)) }
          : {}),
        note: runs(rs),
      });
    }
  }
  return rows;
}
