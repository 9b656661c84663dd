/**
 * What the divergence check costs: one scan for NaN/∞ over the parameters of ResNet-20 (the
 * CIFAR network of He et al.: 0.27 M parameters), as the solver runs it at the end of every
 * epoch and before every checkpoint, timed on the default backend. Prints one JSON object with
 * the median of 3 rounds of 200 scans.
 *
 *   pnpm --filter @funt/solver bench finite-scan
 */

import { getBackend, normal, Rng, type Tensor } from '@funt/tensor';
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

const rng = new Rng(1);
const params = resnet20Shapes().map((shape, i) => ({ name: `p${i}`, value: normal(shape, rng) as Tensor }));
const count = params.reduce((a, p) => a + p.value.size, 0);
const rounds: number[] = [];
for (let r = 0; r < 3; r++) {
  for (let i = 0; i < 20; i++) firstNonFinite(params);
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) firstNonFinite(params);
  rounds.push((performance.now() - t0) / 200);
}
const median = [...rounds].sort((a, b) => a - b)[1];
console.log(JSON.stringify({ backend: getBackend().name, parameters: count, scanMs: median, roundsMs: rounds }));
