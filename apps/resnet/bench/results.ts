/**
 * The benchmark's figures: funt, PyTorch and (inference) onnxruntime measurements grouped per
 * configuration, funt's ratios to each, the rows of bench-results/resnet.json, and the table
 * printed at the end.
 */
import { median } from './measure.js';
import { IMPLS, type Impl, type Measurement, type Mode } from './measurement.js';
import type { Scaling } from './scaling.js';

/** One row of bench-results/resnet.json. */
export interface ResultRow {
  name: string;
  impl: Impl;
  /** funt's backend, the PyTorch version or onnxruntime's. */
  backend: string;
  threads: number;
  median: number;
  unit: string;
  /** funt's figure over PyTorch's for the same configuration (higher is better for funt when the unit is images/s). */
  ratioToPytorch?: number;
  /** funt's figure over onnxruntime's (inference). */
  ratioToOnnxruntime?: number;
  /** The native backend's figure over funt's on wasm for the same configuration. */
  ratioToWasm?: number;
  /** The fastest step (images/s rows): closer to what an undisturbed machine does than the median. */
  best?: number;
  /**
   * Images per CPU-second (median), on one-thread images/s rows: the time other processes
   * held the core is left out, so this figure, unlike the wall-clock one, barely moves with
   * the machine's load (with more threads, CPU time also counts threads waiting for each other).
   */
  perCpuSecond?: number;
  /** funt's perCpuSecond over PyTorch's. */
  cpuRatioToPytorch?: number;
  /** When the run that measured it ended (ISO 8601). */
  date?: string;
  /** funt: fingerprint of the WebAssembly kernels measured (measurement.ts). */
  kernels?: string;
  note?: string;
}

export interface Pair {
  model: string;
  mode: Mode;
  threads: number;
  funt: Measurement;
  /** funt on the native backend; null where it is not built (or --no-native). */
  native: Measurement | null;
  pytorch: Measurement | null;
  /** Inference only; null when onnxruntime was not measured. */
  onnxruntime: Measurement | null;
}

/** The epoch figures (run.ts --only epoch replaces just these). */
export function isEpochRow(r: Pick<ResultRow, 'name'>): boolean {
  return / epoch\b/.test(r.name);
}

/** The name every row of the end-to-end training run starts with (tta.ts). */
export const TTA_PREFIX = 'end-to-end';

/** The end-to-end figures (run.ts --only tta replaces just these). */
export function isTtaRow(r: Pick<ResultRow, 'name'>): boolean {
  return r.name.startsWith(`${TTA_PREFIX} `);
}

/** Which part of the benchmark made a row: the step sweep, the epoch or the end-to-end run. */
export function partOf(r: Pick<ResultRow, 'name'>): 'steps' | 'epoch' | 'tta' {
  return isTtaRow(r) ? 'tta' : isEpochRow(r) ? 'epoch' : 'steps';
}

const MODE_NAMES: Record<Mode, string> = { train: 'training step', infer: 'inference' };
const MiB = 1024 * 1024;

function round(x: number, digits = 3): number {
  return Number(x.toPrecision(digits + 2));
}

/** funt's (wasm or native) figure over another implementation's, for images/s (speed) or MiB (peak memory) rows. */
function ratioTo(
  other: Measurement | null,
  key: 'ratioToPytorch' | 'ratioToOnnxruntime' | 'ratioToWasm',
  f: (m: Measurement) => number,
) {
  return (m: Measurement) =>
    (m.impl === 'funt' || m.impl === 'native') && other && other !== m ? { [key]: round(f(m) / f(other)) } : {};
}

/** Two rows per implementation and configuration: throughput and peak memory, funt's with its ratios. */
export function pairRows(p: Pair): ResultRow[] {
  const rows: ResultRow[] = [];
  const threadNote = (m: Measurement) =>
    m.threadsApplied ? undefined : `asked for ${m.threads} threads; this build runs its kernels on one`;
  const perCpu = (m: Measurement) => m.batch / median(m.cpuSeconds);
  const speed = (m: Measurement) => m.imagesPerSecond;
  const peak = (m: Measurement) => m.peakRssBytes;
  const single = p.threads === 1;
  for (const m of [p.funt, p.native, p.pytorch, p.onnxruntime]) {
    if (m === null) continue;
    const isFunt = m.impl === 'funt' || m.impl === 'native';
    const wasm = m.impl === 'native' ? p.funt : null;
    const base = { impl: m.impl, backend: m.backend, threads: m.threads, ...(m.kernels ? { kernels: m.kernels } : {}) };
    const note = threadNote(m);
    rows.push({
      name: `${p.model} ${MODE_NAMES[p.mode]}`,
      ...base,
      median: round(m.imagesPerSecond),
      best: round(m.batch / Math.min(...m.seconds)),
      unit: 'images/s',
      ...ratioTo(p.pytorch, 'ratioToPytorch', speed)(m),
      ...ratioTo(p.onnxruntime, 'ratioToOnnxruntime', speed)(m),
      ...ratioTo(wasm, 'ratioToWasm', speed)(m),
      ...(single ? { perCpuSecond: round(perCpu(m)) } : {}),
      ...(single && isFunt && p.pytorch ? { cpuRatioToPytorch: round(perCpu(m) / perCpu(p.pytorch)) } : {}),
      ...(note ? { note } : {}),
    });
    rows.push({
      name: `${p.model} ${MODE_NAMES[p.mode]} peak RSS`,
      ...base,
      median: round(m.peakRssBytes / MiB),
      unit: 'MiB',
      ...ratioTo(p.pytorch, 'ratioToPytorch', peak)(m),
      ...ratioTo(p.onnxruntime, 'ratioToOnnxruntime', peak)(m),
      ...ratioTo(wasm, 'ratioToWasm', peak)(m),
    });
  }
  return rows;
}

/** Throughput with `threads` over throughput with one thread, per implementation, where both were measured. */
export function scalingRows(pairs: Pair[]): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const p of pairs) {
    if (p.threads === 1) continue;
    const one = pairs.find((q) => q.model === p.model && q.mode === p.mode && q.threads === 1);
    if (!one) continue;
    for (const impl of IMPLS) {
      const many = p[impl];
      const single = one[impl];
      if (!many || !single) continue;
      rows.push({
        name: `${p.model} ${MODE_NAMES[p.mode]} speed-up ${p.threads} threads / 1`,
        impl,
        backend: many.backend,
        threads: p.threads,
        median: round(many.imagesPerSecond / single.imagesPerSecond),
        unit: '×',
        ...(many.threadsApplied ? {} : { note: 'no threads in this build: both runs used one' }),
      });
    }
  }
  return rows;
}

/** The name of a paired speed-up row (scaling.ts). */
function pairedScalingName(model: string, mode: Mode, threads: number): string {
  return `${model} ${MODE_NAMES[mode]} speed-up ${threads} threads / 1, paired in one process`;
}

/** One row per paired speed-up measurement (scaling.ts). */
export function pairedScalingRows(runs: readonly Scaling[]): ResultRow[] {
  return runs.map((s) => ({
    name: pairedScalingName(s.model, s.mode, s.threads),
    impl: s.impl,
    backend: s.backend,
    threads: s.threads,
    median: round(s.speedUp),
    unit: '×',
    note: `${s.rounds} rounds of ${s.secondsOne.length / s.rounds} steps at 1 thread then ${s.secondsMany.length / s.rounds} at ${s.threads}`,
  }));
}

function pad(s: string, n: number, right = false): string {
  if (s.length >= n) return s;
  return right ? ' '.repeat(n - s.length) + s : s + ' '.repeat(n - s.length);
}

function show(x: number | undefined): string {
  if (x === undefined) return '-';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function ratioText(x: number | undefined): string {
  return x === undefined ? '-' : x.toFixed(2);
}

/**
 * funt next to PyTorch and onnxruntime for every figure, as text; "per CPU-s" is funt/PyTorch
 * in images per CPU-second (one thread). The native backend's columns appear when it was measured.
 */
export function formatTable(rows: ResultRow[]): string {
  const keys = [...new Set(rows.map((r) => `${r.name}\u0000${r.threads}`))];
  const width = Math.max(8, ...rows.map((r) => r.name.length)) + 2;
  const hasNative = rows.some((r) => r.impl === 'native');
  const nativeHead = hasNative
    ? `${pad('native', 10, true)}${pad('native/PyTorch', 16, true)}${pad('native/ORT', 12, true)}${pad('native/wasm', 13, true)}`
    : '';
  const lines = [
    `${pad('figure', width)}${pad('threads', 9)}${pad('funt', 10, true)}${pad('PyTorch', 10, true)}${pad('ORT', 10, true)}${pad('funt/PyTorch', 14, true)}${pad('funt/ORT', 10, true)}${pad('per CPU-s', 11, true)}${nativeHead}  unit`,
  ];
  for (const key of keys) {
    const [name, threads] = key.split('\u0000');
    const of = (impl: Impl) => rows.find((r) => r.impl === impl && r.name === name && String(r.threads) === threads);
    const f = of('funt');
    const t = of('pytorch');
    const o = of('onnxruntime');
    const n = of('native');
    const unit = (f ?? n ?? t ?? o)!.unit;
    const optional = (x: number | undefined) => (x === undefined ? '' : ratioText(x));
    const nativeCells = hasNative
      ? `${pad(n ? show(n.median) : '', 10, true)}${pad(optional(n?.ratioToPytorch), 16, true)}${pad(optional(n?.ratioToOnnxruntime), 12, true)}${pad(optional(n?.ratioToWasm), 13, true)}`
      : '';
    lines.push(
      `${pad(name, width)}${pad(threads, 9)}${pad(show(f?.median), 10, true)}${pad(show(t?.median), 10, true)}${pad(o ? show(o.median) : '', 10, true)}${pad(ratioText(f?.ratioToPytorch), 14, true)}${pad(f?.ratioToOnnxruntime === undefined ? '' : ratioText(f.ratioToOnnxruntime), 10, true)}${pad(f?.cpuRatioToPytorch === undefined ? '' : f.cpuRatioToPytorch.toFixed(2), 11, true)}${nativeCells}  ${unit}${f?.note ? `  (${f.note})` : ''}`,
    );
  }
  return lines.join('\n');
}

interface Target {
  label: string;
  /**
   * 'unreliable': a ratio against a competitor's run with all threads that was slower than its
   * one-thread run. PyTorch's OpenMP threads (and onnxruntime's) spin while they wait for each
   * other, so on a busy machine a descheduled partner stalls them: the ratio then says nothing
   * about speed.
   */
  status: 'met' | 'missed' | 'unreliable';
  detail: string;
}

const COMPETITORS = {
  pytorch: { label: 'PyTorch', ratio: 'ratioToPytorch' },
  onnxruntime: { label: 'onnxruntime', ratio: 'ratioToOnnxruntime' },
} as const;

/**
 * The performance targets, read from the rows (ResNet-20, `threads` = all cores): training at
 * least PyTorch's speed with 1 and all threads, inference at least 0.8× onnxruntime's and
 * PyTorch's with all threads, 2 threads ≥ 1.7× one, peak memory at most PyTorch's.
 */
export function checkTargets(rows: ResultRow[], threads: number): Target[] {
  const get = (name: string, impl: Impl, t = threads) =>
    rows.find((r) => r.name === name && r.impl === impl && r.threads === t);
  const targets: Target[] = [];
  const ratioTarget = (name: string, t: number, against: keyof typeof COMPETITORS, min: number) => {
    const { label, ratio } = COMPETITORS[against];
    const r = get(name, 'funt', t)?.[ratio];
    if (r === undefined) return;
    const many = get(name, against, t)?.median;
    const one = get(name, against, 1)?.median;
    const collapsed = t > 1 && many !== undefined && one !== undefined && many < one;
    const detail = `${r.toFixed(2)}× ${label} (target ≥ ${min}×${r < min ? `; ${(min / r).toFixed(2)}× short` : ''})`;
    targets.push({
      label: `${name.replace(/ step$/, '')} vs ${label}, ${t} thread${t > 1 ? 's' : ''}`,
      status: collapsed ? 'unreliable' : r >= min ? 'met' : 'missed',
      detail: collapsed
        ? `${detail}, but ${label}'s ${t}-thread run (${many.toFixed(0)} images/s) was slower than its 1-thread run (${one.toFixed(0)}): the machine was busy`
        : detail,
    });
  };
  for (const t of new Set([1, threads])) ratioTarget('ResNet-20 training step', t, 'pytorch', 1);
  ratioTarget('ResNet-20 inference', threads, 'onnxruntime', 0.8);
  ratioTarget('ResNet-20 inference', threads, 'pytorch', 1);
  // The paired figure decides when there is one (scaling.ts: separate processes minutes apart
  // measure the host's drift as much as the threads); the unpaired one is shown beside it.
  const unpaired = get(`ResNet-20 training step speed-up ${threads} threads / 1`, 'funt');
  const paired = get(pairedScalingName('ResNet-20', 'train', threads), 'funt');
  const scaling = paired ?? unpaired;
  if (scaling) {
    const torchPaired = paired ? get(pairedScalingName('ResNet-20', 'train', threads), 'pytorch') : undefined;
    const detail = paired
      ? `${paired.median.toFixed(2)}× paired in one process${torchPaired ? ` (PyTorch ${torchPaired.median.toFixed(2)}×)` : ''}${unpaired ? `; ${unpaired.median.toFixed(2)}× from the separate 1- and ${threads}-thread runs` : ''} (target ≥ 1.7×)`
      : `${scaling.median.toFixed(2)}× (target ≥ 1.7×)`;
    targets.push({
      label: `funt ${threads} threads over 1 (training)`,
      status: scaling.median >= 1.7 ? 'met' : 'missed',
      detail,
    });
  }
  const wall = rows.find((r) => isTtaRow(r) && r.impl === 'funt' && r.name.endsWith(': wall time'));
  const acc = (impl: Impl) => rows.find((r) => isTtaRow(r) && r.impl === impl && r.name.endsWith(': test accuracy'));
  const [fAcc, tAcc] = [acc('funt'), acc('pytorch')];
  if (wall?.ratioToPytorch !== undefined && fAcc && tAcc) {
    const gap = fAcc.median - tAcc.median;
    const detail = `${wall.ratioToPytorch.toFixed(2)}× PyTorch's wall time, test accuracy ${fAcc.median.toFixed(2)}% against ${tAcc.median.toFixed(2)}% (target ≤ 1×, accuracy no more than 0.3 points below)`;
    targets.push({
      label: 'end-to-end training run',
      status: wall.ratioToPytorch <= 1 && gap >= -0.3 ? 'met' : 'missed',
      detail,
    });
  }
  targets.push(...nativeTargets(rows, threads));
  for (const mode of ['training step', 'inference']) {
    const mem = get(`ResNet-20 ${mode} peak RSS`, 'funt');
    if (mem?.ratioToPytorch === undefined) continue;
    targets.push({
      label: `ResNet-20 ${mode.replace(/ step$/, '')} peak RSS, ${threads} threads`,
      status: mem.ratioToPytorch <= 1 ? 'met' : 'missed',
      detail: `${mem.median.toFixed(0)} MiB = ${mem.ratioToPytorch.toFixed(2)}× PyTorch's (target ≤ 1×)`,
    });
  }
  return targets;
}

/**
 * The native backend's targets (where it was measured), with all threads: ResNet-20 training at
 * least 2× PyTorch, ResNet-56 at least 1.5×, ResNet-20 inference at least 1.2× onnxruntime, all
 * threads at least 1.8× one (from the sweep's separate runs, or paired when measured), peak
 * memory at most PyTorch's; and whether it beats wasm at all.
 */
export function nativeTargets(rows: ResultRow[], threads: number): Target[] {
  const get = (name: string, t = threads) =>
    rows.find((r) => r.name === name && r.impl === 'native' && r.threads === t);
  const targets: Target[] = [];
  const ratio = (
    label: string,
    name: string,
    key: 'ratioToPytorch' | 'ratioToOnnxruntime' | 'ratioToWasm',
    min: number,
    against: string,
  ) => {
    const r = get(name)?.[key];
    if (r === undefined) return;
    targets.push({
      label: `native: ${label}, ${threads} threads`,
      status: r >= min ? 'met' : 'missed',
      detail: `${r.toFixed(2)}× ${against} (target ≥ ${min}×${r < min ? `; ${(min / r).toFixed(2)}× short` : ''})`,
    });
  };
  ratio('ResNet-20 training vs PyTorch', 'ResNet-20 training step', 'ratioToPytorch', 2, 'PyTorch');
  ratio('ResNet-56 training vs PyTorch', 'ResNet-56 training step', 'ratioToPytorch', 1.5, 'PyTorch');
  ratio('ResNet-20 inference vs onnxruntime', 'ResNet-20 inference', 'ratioToOnnxruntime', 1.2, 'onnxruntime');
  ratio('ResNet-20 training vs wasm', 'ResNet-20 training step', 'ratioToWasm', 1, 'funt on wasm');
  const scaling =
    get(pairedScalingName('ResNet-20', 'train', threads)) ??
    get(`ResNet-20 training step speed-up ${threads} threads / 1`);
  if (scaling)
    targets.push({
      label: `native: ${threads} threads over 1 (training)`,
      status: scaling.median >= 1.8 ? 'met' : 'missed',
      detail: `${scaling.median.toFixed(2)}×${scaling.name.includes('paired') ? ' paired in one process' : ' from the separate runs'} (target ≥ 1.8×)`,
    });
  const mem = get('ResNet-20 training step peak RSS');
  if (mem?.ratioToPytorch !== undefined)
    targets.push({
      label: `native: ResNet-20 training peak RSS, ${threads} threads`,
      status: mem.ratioToPytorch <= 1 ? 'met' : 'missed',
      detail: `${mem.median.toFixed(0)} MiB = ${mem.ratioToPytorch.toFixed(2)}× PyTorch's (target ≤ 1×)`,
    });
  return targets;
}
