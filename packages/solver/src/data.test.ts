import { fromTypedArray, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { checkData, checkLabels } from './data.js';

describe('data checks', () => {
  const x = fromTypedArray(new Float32Array(6), [3, 2]);
  it('returns the example shape of consistent data', () => {
    expect(checkData({ xTrain: x, yTrain: new Int32Array(3), xVal: x, yVal: new Int32Array(3) })).toEqual([2]);
  });

  it('names the offending field', () => {
    expect(() => checkData(null)).toThrow(/data must be \{ xTrain, yTrain, xVal, yVal \}, got null/);
    expect(() =>
      checkData({
        xTrain: x,
        yTrain: new Int32Array(3),
        xVal: fromTypedArray(new Float32Array(0), [0, 6]),
        yVal: new Int32Array(0),
      }),
    ).toThrow(/data\.xVal holds no examples \(shape \[0, 6\]\)/);
    const f64 = withBackend('reference', () => fromTypedArray([1, 2, 3, 4, 5, 6], [3, 2], 'float64'));
    expect(() => checkData({ xTrain: x, yTrain: new Int32Array(3), xVal: f64, yVal: new Int32Array(3) })).toThrow(
      /data\.xVal is float64 but data\.xTrain is float32/,
    );
    expect(() => checkLabels('y', new Int32Array([0, 1, 2]), 2)).toThrow(
      /y\[2\] = 2 is out of range for a model with 2 classes \(0\.\.1\)/,
    );
  });
});
