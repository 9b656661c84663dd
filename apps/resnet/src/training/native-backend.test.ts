import { ClassNLLCriterion } from '@funt/layers';
import { getBackend, getThreads, normal, Rng, setBackend, setThreads, type Tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { applyRuntime } from '../commands/shared/runtime.js';
import { resnet } from '../model/resnet.js';
import { loadNativeBackend } from '../native-backend.js';
import { benchmarkStep } from './benchmark-step.js';

/**
 * A short training run on the native backend against the same run on wasm: the same seed gives
 * the same loss curve within float32 noise (the two sum in different orders), and the same bits
 * when the native run is repeated.
 *
 * How close "within float32 noise" is depends on the step. In this run one pre-activation of the
 * second stage's residual join lies within 1e-6 of zero after the first step, so a one-ulp
 * difference in a batch norm output decides whether its ReLU passes a gradient; from the third
 * step on, the curves then part by up to about 1% (flipping the last bit of the second batch
 * norm's outputs in the wasm run itself gives the native curve's deviations to two digits).
 * So the first steps are compared at float32 round-off and the rest at 2%: a wrong kernel moves
 * the curve by far more.
 */

const native = await loadNativeBackend();
if (!native.available) console.warn(`native training run skipped: ${native.reason}`);

/** The loss after each of `steps` SGD steps of a small ResNet on fixed random batches. */
function lossCurve(backend: string, steps: number): number[] {
  return withBackend(backend, () => {
    const rng = new Rng(5);
    const model = resnet({ n: 1, filters: 8, inputShape: [3, 16, 16], classes: 4, skip: true, hiddenDims: [], rng });
    const x = normal([16, 3, 16, 16], rng, 0, 1);
    const y = Int32Array.from({ length: 16 }, () => rng.int(4));
    const step = benchmarkStep(model, x, y, 'training');
    const criterion = new ClassNLLCriterion();
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      step();
      model.evaluate();
      losses.push(criterion.forward(model.forward(x) as Tensor, y));
      model.training();
    }
    model.dispose();
    return losses;
  });
}

describe.skipIf(!native.available)('training on the native backend', () => {
  it('follows the wasm loss curve within float32 noise, and repeats bit for bit', () => {
    // 16 steps: the evaluation-mode loss lags the weights (running statistics) for the first ten.
    const wasm = lossCurve('wasm', 16);
    const first = lossCurve('native', 16);
    const again = lossCurve('native', 16);
    expect(again).toEqual(first);
    // It learns: the fixed batch's loss falls well below its start.
    expect(first[first.length - 1]).toBeLessThan(0.5 * first[0]);
    for (let i = 0; i < wasm.length; i++) {
      const tolerance = i < 2 ? 1e-4 : 2e-2;
      expect(Math.abs(first[i] - wasm[i]), `step ${i}`).toBeLessThan(tolerance * Math.max(1, wasm[i]));
    }
  });

  it('is named with its instruction level in the run description', () => {
    const [backend, threads] = [getBackend().name, getThreads()];
    try {
      expect(applyRuntime({ backend: 'native', threads: 1 }, () => {})).toMatch(/^native \((avx2|avx512)\), 1 thread$/);
    } finally {
      setBackend(backend);
      setThreads(threads);
    }
  });
});
