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
  return ['--n', String(c.n), '--mode', c.mode, '--threads', String(c.threads), '--batch', String(c.batch), '--warmup', String(c.warmup), '--steps', String(c.steps)];
}

/** Reads the flags back (the funt child); a bad value is an error naming the flag. */
export function parseConfigArgs(argv: string[]): StepConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: 'string', default: '3' },
      mode: { type: 'string', default: 'train' },
      threads: { type: 'string', default: '1' },
      batch: { type: 'string', default: '128' },
      warmup: { type: 'string', default: '2' },
      steps: { type: 'string', default: '5' },
    },
  });
  const int = (flag: string, text: string, min: number): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < min) throw new RangeError(`--${flag} must be an integer >= ${min}, got '${text}'`);
    return v;
  };
  if (values.mode !== 'train' && values.mode !== 'infer') throw new RangeError(`--mode must be 'train' or 'infer', got '${values.mode}'`);
  return {
    n: int('n', values.n, 1),
    mode: values.mode,
    threads: int('threads', values.threads, 1),
    batch: int('batch', values.batch, 1),
    warmup: int('warmup', values.warmup, 0),
    steps: int('steps', values.steps, 1),
  };
}
