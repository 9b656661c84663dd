/**
 * The one record every benchmark child prints (funt's bench/funt-step.ts, PyTorch's
 * bench/pytorch_resnet.py and onnxruntime's bench/ort-step.ts alike) as the last line of its
 * stdout, and its parser.
 */

import { median } from './measure.js';

export type Mode = 'train' | 'infer';

/** The implementations the benchmark compares (onnxruntime on inference only). */
export const IMPLS = ['funt', 'pytorch', 'onnxruntime'] as const;
export type Impl = (typeof IMPLS)[number];

/** What was measured, by whom: the fields every record of the benchmark's children starts with. */
export interface RunIdentity {
  impl: Impl;
  /** funt's backend ('wasm'), the PyTorch version ('torch 1.13.0a0') or onnxruntime's ('onnxruntime-node 1.30.0'). */
  backend: string;
  /** 'ResNet-20' for n = 3, 'ResNet-56' for n = 9. */
  model: string;
  n: number;
  mode: Mode;
  /** Threads asked for (a paired speed-up: the many-thread side). */
  threads: number;
  batch: number;
}

export interface Measurement extends RunIdentity {
  /** false when the implementation could not run that many (funt before it has threads). */
  threadsApplied: boolean;
  /** Seconds of each timed step. */
  seconds: number[];
  /** CPU seconds of each timed step (all threads of the process; see measure.ts). */
  cpuSeconds: number[];
  /** Median seconds per step. */
  median: number;
  imagesPerSecond: number;
  /** Peak resident memory of the child process that measured this configuration. */
  peakRssBytes: number;
  /** funt only: the first 12 hex digits of the SHA-1 of the kernels the child loaded (they are rebuilt while people tune them). */
  kernels?: string;
}

export class MeasurementFormatError extends Error {
  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'MeasurementFormatError';
  }
}

const NUMBERS = ['n', 'threads', 'batch', 'median', 'imagesPerSecond', 'peakRssBytes'] as const;

/** Checks a parsed JSON value field by field; `source` names the program that printed it. */
function toMeasurement(value: unknown, source: string): Measurement {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MeasurementFormatError(source, `expected a JSON object, got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  const v = value as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    throw new MeasurementFormatError(
      source,
      `field '${field}' must be ${expected}, got ${JSON.stringify(v[field]) ?? 'nothing'}`,
    );
  };
  if (!(IMPLS as readonly unknown[]).includes(v.impl)) fail('impl', IMPLS.map((i) => `'${i}'`).join(', '));
  if (v.mode !== 'train' && v.mode !== 'infer') fail('mode', "'train' or 'infer'");
  for (const f of ['backend', 'model']) if (typeof v[f] !== 'string') fail(f, 'a string');
  for (const f of NUMBERS)
    if (typeof v[f] !== 'number' || !Number.isFinite(v[f]) || (v[f] as number) <= 0) fail(f, 'a positive number');
  if (typeof v.threadsApplied !== 'boolean') fail('threadsApplied', 'true or false');
  if (v.kernels !== undefined && typeof v.kernels !== 'string') fail('kernels', 'a string when present');
  const s = v.seconds;
  if (!Array.isArray(s) || s.length === 0 || s.some((x) => typeof x !== 'number' || !(x > 0)))
    fail('seconds', 'a non-empty list of positive numbers');
  const steps = (s as number[]).length;
  const c = v.cpuSeconds;
  if (!Array.isArray(c) || c.length !== steps || c.some((x) => typeof x !== 'number' || !(x >= 0))) {
    fail('cpuSeconds', `a list of ${steps} non-negative numbers (one per step)`);
  }
  return v as unknown as Measurement;
}

/**
 * The JSON value on the last non-empty line of a child's stdout (anything a library prints
 * before it, such as a warning, is ignored); `source` names the child in errors.
 */
export function lastJsonLine(stdout: string, source: string): unknown {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const last = lines[lines.length - 1];
  if (last === undefined) throw new MeasurementFormatError(source, 'printed nothing on stdout');
  try {
    return JSON.parse(last);
  } catch (err) {
    throw new MeasurementFormatError(
      source,
      `last line of stdout is not JSON (${(err as Error).message}): ${last.slice(0, 120)}`,
    );
  }
}

/** The measurement a child printed (lastJsonLine), checked. */
export function parseMeasurement(stdout: string, source: string): Measurement {
  return toMeasurement(lastJsonLine(stdout, source), source);
}

/**
 * One configuration measured in several processes (the benchmark's --rounds), as one
 * measurement: every timed step pooled, their median, and the highest peak. Rounds are spread
 * over the run, so a slow spell of the shared machine lands on a few steps of each
 * configuration instead of on all steps of one. Kernels rebuilt between rounds are named
 * together ('a+b'), which the benchmark reports as a run over several builds.
 */
export function poolMeasurements(ms: readonly Measurement[]): Measurement {
  const first = ms[0];
  if (first === undefined) throw new RangeError('poolMeasurements: no measurements');
  for (const m of ms) {
    for (const f of ['impl', 'backend', 'model', 'mode', 'threads', 'batch'] as const) {
      if (m[f] !== first[f])
        throw new RangeError(`poolMeasurements: ${f} differs between rounds (${String(first[f])} and ${String(m[f])})`);
    }
  }
  const builds = [...new Set(ms.map((m) => m.kernels).filter((k): k is string => k !== undefined))];
  const seconds = ms.flatMap((m) => m.seconds);
  const med = median(seconds);
  return {
    ...first,
    threadsApplied: ms.every((m) => m.threadsApplied),
    seconds,
    cpuSeconds: ms.flatMap((m) => m.cpuSeconds),
    median: med,
    imagesPerSecond: first.batch / med,
    peakRssBytes: Math.max(...ms.map((m) => m.peakRssBytes)),
    ...(builds.length ? { kernels: builds.join('+') } : {}),
  };
}
