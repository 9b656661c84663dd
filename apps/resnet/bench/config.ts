/** One configuration of the ResNet step benchmark, as command-line flags both children understand. */
import { parseArgs } from 'node:util';
import type { Mode } from './measurement.js';

/** The CIFAR-10 setting of He et al.: 3×32×32 images, 10 classes, 16 filters in the first stage. */
export const INPUT_SHAPE: [number, number, number] = [3, 32, 32];
export const CLASSES = 10;
export const FILTERS = 16;

export interface StepConfig {
  /** Residual blocks per stage: 3 is ResNet-20, 9 is ResNet-56. */
  n: number;
  mode: Mode;
  threads: number;
  batch: number;
  /** Untimed steps first. */
  warmup: number;
  /** Timed steps; the median is reported. */
  steps: number;
}

/** He et al.'s name: 6n + 2 weighted layers. */
export function modelName(n: number): string {
  return `ResNet-${6 * n + 2}`;
}

/** The flags of bench/train-step.ts and bench/pytorch_resnet.py (the same for both). */
export function configArgs(c: StepConfig): string[] {
  return [
    '--n',
    String(c.n),
    '--mode',
    c.mode,
    '--threads',
    String(c.threads),
    '--batch',
    String(c.batch),
    '--warmup',
    String(c.warmup),
    '--steps',
    String(c.steps),
  ];
}

/**
 * Integer flags (default text, minimum) and --mode, parsed from `argv`; a bad value is an error
 * naming the flag. The funt children's parsers (this file's parseConfigArgs, funt-scaling.ts).
 */
export function parseFlags<K extends string>(
  argv: string[],
  ints: Record<K, readonly [string, number]>,
): Record<K, number> & { mode: Mode } {
  const options: Record<string, { type: 'string'; default: string }> = { mode: { type: 'string', default: 'train' } };
  for (const [flag, [text]] of Object.entries(ints) as [string, readonly [string, number]][])
    options[flag] = { type: 'string', default: text };
  const { values } = parseArgs({ args: argv, options });
  const mode = values.mode as string;
  if (mode !== 'train' && mode !== 'infer') throw new RangeError(`--mode must be 'train' or 'infer', got '${mode}'`);
  const out = { mode } as Record<string, number | Mode>;
  for (const [flag, [, min]] of Object.entries(ints) as [string, readonly [string, number]][]) {
    const text = values[flag] as string;
    const v = Number(text);
    if (!Number.isInteger(v) || v < min) throw new RangeError(`--${flag} must be an integer >= ${min}, got '${text}'`);
    out[flag] = v;
  }
  return out as Record<K, number> & { mode: Mode };
}

/** Reads the flags back (the funt child); a bad value is an error naming the flag. */
export function parseConfigArgs(argv: string[]): StepConfig {
  return parseFlags(argv, { n: ['3', 1], threads: ['1', 1], batch: ['128', 1], warmup: ['2', 0], steps: ['5', 1] });
}
