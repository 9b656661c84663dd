/**
 * The one record every benchmark child prints (funt's bench/funt-step.ts, PyTorch's
 * bench/pytorch_resnet.py and onnxruntime's bench/ort-step.ts alike) as the last line of its
 * stdout, and its parser.
 */

import { lastJsonLine, RecordCheck } from './child-record.js';
import { median } from './measure.js';

export type Mode = 'train' | 'infer';

/**
 * The implementations the benchmark compares (onnxruntime on inference only): 'funt' is funt on
 * its default wasm backend, 'native' funt on @funt/tensor-native's backend where it is built.
 */
export const IMPLS = ['funt', 'native', 'pytorch', 'onnxruntime'] as const;
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

const NUMBERS = ['n', 'threads', 'batch', 'median', 'imagesPerSecond', 'peakRssBytes'] as const;

/** Checks a parsed JSON value field by field; `source` names the program that printed it. */
function toMeasurement(value: unknown, source: string): Measurement {
  const check = new RecordCheck(value, source)
    .oneOf('impl', IMPLS)
    .oneOf('mode', ['train', 'infer'])
    .strings('backend', 'model')
    .positives(...NUMBERS);
  const v = check.fields;
  if (typeof v.threadsApplied !== 'boolean') check.fail('threadsApplied', 'true or false');
  if (v.kernels !== undefined && typeof v.kernels !== 'string') check.fail('kernels', 'a string when present');
  check.numberList('seconds');
  const steps = (v.seconds as number[]).length;
  check.numberList('cpuSeconds', { length: steps, nonNegative: true, what: ' (one per step)' });
  return v as unknown as Measurement;
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
