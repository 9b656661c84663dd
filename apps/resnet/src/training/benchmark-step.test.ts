import { normal, Rng } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { resnet } from '../model/resnet.js';
import { benchmarkStep } from './benchmark-step.js';

function tiny() {
  const rng = new Rng(3);
  const model = resnet({ n: 1, filters: 4, inputShape: [1, 8, 8], classes: 3, skip: true, hiddenDims: [], rng });
  const x = normal([6, 1, 8, 8], rng, 0, 1);
  const y = Int32Array.from({ length: 6 }, () => rng.int(3));
  return { model, x, y };
}

const weights = (m: ReturnType<typeof tiny>['model']) => m.parameters().map((p) => Array.from(p.value.data));

describe('benchmarkStep', () => {
  it('a training step updates the weights in training mode', () => {
    const { model, x, y } = tiny();
    const before = weights(model);
    const step = benchmarkStep(model, x, y, 'training');
    expect(model.isTraining).toBe(true);
    step();
    step();
    expect(weights(model)).not.toEqual(before);
  });

  it('an inference pass runs in evaluation mode and leaves the weights alone', () => {
    const { model, x, y } = tiny();
    const before = weights(model);
    const step = benchmarkStep(model, x, y, 'inference');
    expect(model.isTraining).toBe(false);
    step();
    expect(weights(model)).toEqual(before);
  });
});
