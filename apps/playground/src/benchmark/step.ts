import { type BenchmarkPass, benchmarkStep, resnet } from '@funt/resnet';
import { normal, Rng } from '@funt/tensor';

/** ResNet-20 as the seed trains it on CIFAR-10: n = 3, 16 filters, 3×32×32 inputs, 10 classes. */
export const RESNET20 = { n: 3, filters: 16, inputShape: [3, 32, 32] as [number, number, number], classes: 10 };
export const BATCH = 128;

/** A training step or a forward pass in evaluation mode. */
export type Pass = BenchmarkPass;

/**
 * One step of a fresh, seeded ResNet-20 on one random batch of 128, the same code in the page
 * (src/worker) and in Node (bench/): @funt/resnet's `benchmarkStep`, which apps/resnet's
 * benchmark against PyTorch times too.
 */
export function resnet20Step(pass: Pass): () => void {
  const rng = new Rng(0);
  const model = resnet({ ...RESNET20, skip: true, hiddenDims: [], rng });
  const x = normal([BATCH, ...RESNET20.inputShape], rng, 0, 1);
  const y = Int32Array.from({ length: BATCH }, () => rng.int(RESNET20.classes));
  return benchmarkStep(model, x, y, pass);
}

/** Seconds of each of `steps` timed calls after `warmup` untimed ones (the wasm tiers up, buffers are allocated). */
export function timeSteps(step: () => void, warmup: number, steps: number): number[] {
  for (let i = 0; i < warmup; i++) step();
  const seconds: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    seconds.push((performance.now() - t0) / 1000);
  }
  return seconds;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
