import { fromTypedArray } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { argmaxRows, ConfusionMatrix, checkScores, rankOfTrueClass } from './metrics.js';

describe('metrics', () => {
  const scores = fromTypedArray(
    [
      0.1,
      0.7,
      0.2, //  true 1: rank 0
      0.5,
      0.5,
      0.0, //  true 1: tie with class 0, which comes first → rank 1
      0.3,
      0.2,
      0.1, //  true 2: rank 2
      NaN,
      0.2,
      0.1, //  true 0: NaN → last (rank 3)
      0.2,
      NaN,
      0.9, //  true 2: a NaN elsewhere outranks it → rank 1
    ],
    [5, 3],
  );
  const labels = new Int32Array([1, 1, 2, 0, 2]);

  it('ranks the true class like argmax breaks ties, and never counts NaN as correct', () => {
    expect(Array.from(rankOfTrueClass(scores, labels, new Int32Array(5)))).toEqual([0, 1, 2, 3, 1]);
  });

  it('argmax takes the first maximum, and NaN shows up as the prediction', () => {
    expect(Array.from(argmaxRows(scores, new Int32Array(5)))).toEqual([1, 0, 0, 0, 1]);
  });

  it('confusion matrix counts[true][predicted]', () => {
    const m = new ConfusionMatrix(3);
    m.add(0, 0);
    m.add(2, 1);
    m.add(2, 1);
    expect(m.toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [0, 2, 0],
    ]);
  });

  it('checks that a model output is N×K', () => {
    expect(checkScores(scores, 5)).toBe(3);
    expect(() => checkScores(scores, 4)).toThrow(/N×K class scores for a batch of 4, got shape \[5, 3\]/);
    expect(() => checkScores([scores], 5)).toThrow(/one N×K tensor of class scores, got a list of 1 tensors/);
  });
});
