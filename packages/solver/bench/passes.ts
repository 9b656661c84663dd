/**
 * What the solver's passes over a model cost, on ResNet-20's parameters (the CIFAR network of
 * He et al.: 0.27 M) on the default backend: the scan for NaN/∞ (`firstNonFinite`, at the end
 * of every epoch and before every checkpoint) and the gradients' total norm (`gradNorm`, every
 * iteration with clipGradNorm). Prints one JSON object: medians of 3 rounds of 200 passes.
 *
 *   pnpm --filter @funt/solver bench
 */

import { getBackend, normal, Rng, type Tensor } from '@funt/tensor';
import type { Parameter } from '../src/model.js';
import { gradNorm } from '../src/optim/clip-grad-norm.js';
import { firstNonFinite } from '../src/train/finite.js';

/** The parameter shapes of ResNet-20 for 3×32×32 inputs and 10 classes (n = 3, 16 filters). */
function resnet20Shapes(): number[][] {
  const shapes: number[][] = [[16, 3, 3, 3], [16], [16]];
  let nIn = 16;
  for (const nOut of [16, 32, 64]) {
    for (let b = 0; b < 3; b++) {
      shapes.push([nOut, nIn, 3, 3], [nOut], [nOut], [nOut, nOut, 3, 3], [nOut], [nOut]);
      nIn = nOut;
    }
  }
  shapes.push([10, 64], [10]);
  return shapes;
}

/** Median milliseconds of one call, over 3 rounds of 200 calls after 20 warm-up calls. */
function time(fn: () => unknown): { ms: number; roundsMs: number[] } {
  const rounds: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < 20; i++) fn();
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) fn();
    rounds.push((performance.now() - t0) / 200);
  }
  return { ms: [...rounds].sort((a, b) => a - b)[1], roundsMs: rounds };
}

const rng = new Rng(1);
const params: Parameter[] = resnet20Shapes().map((shape, i) => ({
  name: `p${i}`,
  value: normal(shape, rng) as Tensor,
  grad: normal(shape, rng) as Tensor,
}));
const count = params.reduce((a, p) => a + p.value.size, 0);
console.log(
  JSON.stringify({
    backend: getBackend().name,
    parameters: count,
    nonFiniteScan: time(() => firstNonFinite(params)),
    gradNorm: time(() => gradNorm(params)),
  }),
);
