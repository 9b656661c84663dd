import { fromTypedArray, type Tensor } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import type { TrainableModel } from './model.js';
import { evaluate, forEachBatch, predict, predictProba } from './predict.js';

/** A "model" whose scores are its inputs: evaluation results can then be worked out by hand. */
function identityModel(): TrainableModel & { batches: number[]; isTraining: boolean; modes: string[] } {
  const m = {
    batches: [] as number[],
    modes: [] as string[],
    isTraining: true,
    forward(x: Tensor) {
      m.batches.push(x.shape[0]);
      m.modes.push(m.isTraining ? 'train' : 'eval');
      return x;
    },
    backward: () => null,
    zeroGradParameters: () => {},
    parameters: () => [],
    training: () => (m.isTraining = true),
    evaluate: () => (m.isTraining = false),
    stateDict: () => ({}),
    loadStateDict: () => {},
  };
  return m;
}

const scores = fromTypedArray(
  [
    5,
    1,
    0,
    0, //  true 0 → predicted 0
    0,
    1,
    2,
    3, //  true 0 → predicted 3, true class ranks 3rd... (0 is last: rank 3)
    1,
    4,
    3,
    2, //  true 2 → predicted 1, true class 2nd (rank 1)
    0,
    0,
    0,
    9, //  true 3 → predicted 3
    2,
    2,
    2,
    2, //  true 1 → tie: predicted 0, true class rank 1
  ],
  [5, 4],
);
const labels = new Int32Array([0, 0, 2, 3, 1]);

describe('batched prediction', () => {
  it('evaluates top-1, top-k and the confusion matrix in batches, in evaluation mode, restoring training mode', () => {
    const model = identityModel();
    const ev = evaluate(model, scores, labels, { batchSize: 2, topK: 2 });
    expect(model.batches).toEqual([2, 2, 1]);
    expect(model.modes).toEqual(['eval', 'eval', 'eval']);
    expect(model.isTraining).toBe(true);
    expect(ev.n).toBe(5);
    expect(Array.from(ev.predictions)).toEqual([0, 3, 1, 3, 0]);
    expect(ev.top1).toBeCloseTo(2 / 5, 12);
    expect(ev.topK).toBeCloseTo(4 / 5, 12);
    expect(ev.k).toBe(2);
    expect(ev.loss).toBeNull();
    expect(ev.confusion).toEqual([
      [1, 0, 0, 1],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('computes the mean loss over batches of different sizes when given a criterion', () => {
    // A criterion returning the batch mean of the true-class score: the overall mean must come out.
    const criterion = {
      forward: (x: Tensor, y: Int32Array) => y.reduce((s, c, i) => s + x.data[i * 4 + c], 0) / y.length,
      backward: (x: Tensor) => x,
    };
    const ev = evaluate(identityModel(), scores, labels, { batchSize: 2, criterion });
    expect(ev.loss).toBeCloseTo((5 + 0 + 3 + 9 + 2) / 5, 6);
  });

  it('uses only the given rows, in order, with their labels', () => {
    const ev = evaluate(identityModel(), scores, labels, { indices: [3, 0], topK: 1 });
    expect(Array.from(ev.predictions)).toEqual([3, 0]);
    expect(ev.top1).toBe(1);
    expect(() => predict(identityModel(), scores, { indices: [5] })).toThrow(
      /indices\[0\] = 5 is out of range for 5 examples/,
    );
  });

  it('predicts classes and probabilities that sum to one', () => {
    expect(Array.from(predict(identityModel(), scores, { batchSize: 3 }))).toEqual([0, 3, 1, 3, 0]);
    const p = predictProba(identityModel(), scores, { batchSize: 3 });
    expect(p.shape).toEqual([5, 4]);
    const row = Array.from(p.data.subarray(16, 20));
    row.forEach((v) => expect(v).toBeCloseTo(0.25, 6));
    const first = Array.from(p.data.subarray(0, 4));
    const z = Math.exp(5) + Math.exp(1) + 2;
    expect(first[0]).toBeCloseTo(Math.exp(5) / z, 6);
  });

  it('applies the pre-processing hook and disposes what it returns', () => {
    const made: Tensor[] = [];
    const preprocess = (b: Tensor) => {
      const t = fromTypedArray(
        Array.from(b.data, (v) => -v),
        b.shape,
      );
      made.push(t);
      return t;
    };
    expect(Array.from(predict(identityModel(), scores, { batchSize: 5, preprocess }))).toEqual([2, 0, 0, 0, 0]);
    expect(made).toHaveLength(1);
    expect(made[0].isDisposed).toBe(true);
  });

  it('names a bad batch size and labels out of range', () => {
    expect(() => forEachBatch(identityModel(), scores, { batchSize: 0 }, () => {})).toThrow(
      /batchSize must be an integer in \[1, ∞\), got 0/,
    );
    expect(() => evaluate(identityModel(), scores, new Int32Array([0, 0, 9, 0, 0]))).toThrow(
      /label 9 of example 2 is out of range for 4 classes/,
    );
    expect(() => evaluate(identityModel(), scores, new Int32Array(3))).toThrow(/3 labels for 5 examples/);
  });
});
