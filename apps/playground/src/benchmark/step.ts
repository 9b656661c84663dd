import { ClassNLLCriterion } from '@funt/layers';
import { resnet } from '@funt/resnet';
import { Sgd } from '@funt/solver';
import { normal, Rng, type Tensor } from '@funt/tensor';

/** ResNet-20 as the seed trains it on CIFAR-10: n = 3, 16 filters, 3×32×32 inputs, 10 classes. */
export const RESNET20 = { n: 3, filters: 16, inputShape: [3, 32, 32] as [number, number, number], classes: 10 };
export const BATCH = 128;

export type Pass = 'training' | 'inference';

/**
 * One step of a fresh, seeded ResNet-20 on one random batch of 128, the same code in the page
 * (src/worker) and in Node (bench/): a training step as the Solver runs it (forward, NLL loss,
 * zeroed gradients, backward, SGD with Nesterov momentum 0.9 and weight decay 1e-4), or a
 * forward pass in evaluation mode. The same as apps/resnet's step benchmark.
 */
export function resnet20Step(pass: Pass): () => void {
  const rng = new Rng(0);
  const model = resnet({ ...RESNET20, skip: true, hiddenDims: [], rng });
  const x = normal([BATCH, ...RESNET20.inputShape], rng, 0, 1);
  const y = Int32Array.from({ length: BATCH }, () => rng.int(RESNET20.classes));
  if (pass === 'inference') {
    model.evaluate();
    return () => void model.forward(x);
  }
  model.training();
  const criterion = new ClassNLLCriterion();
  const rule = new Sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
  const params = model.parameters();
  return () => {
    const scores = model.forward(x) as Tensor;
    criterion.forward(scores, y);
    model.zeroGradParameters();
    model.backward(x, criterion.backward(scores, y));
    rule.step(params);
  };
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
