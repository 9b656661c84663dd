import { beforeAll, describe, expect, test } from 'vitest';
import { tensor } from '../../creation.js';
import { numericalGradient } from '../../numerical-gradient.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from '../../ops/softmax.js';
import { dot, expectClose, randn, useReference } from '../../testing/reference.js';

beforeAll(() => useReference('float64'));

describe('reference softmax', () => {
  test('rows sum to 1 and match exp(x) / Σ exp(x) for moderate inputs', () => {
    const x = randn([4, 5], 1);
    const y = softmax(x);
    for (let b = 0; b < 4; b++) {
      const row = Array.from(x.data.subarray(b * 5, b * 5 + 5));
      const z = row.reduce((a, v) => a + Math.exp(v), 0);
      expectClose(
        y.data.subarray(b * 5, b * 5 + 5),
        row.map((v) => Math.exp(v) / z),
        1e-15,
      );
    }
  });

  test('stable for large inputs (1000) in float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      // exp(1000) overflows; subtracting the row maximum makes it exp(0), exp(−1), exp(−2).
      const x = tensor(
        [
          [1000, 999, 998],
          [-1000, -1000, -1000],
        ],
        undefined,
        dtype,
      );
      const y = softmax(x);
      const z = 1 + Math.exp(-1) + Math.exp(-2);
      expectClose(y.data, [1 / z, Math.exp(-1) / z, Math.exp(-2) / z, 1 / 3, 1 / 3, 1 / 3], 1e-7);
      const ly = logSoftmax(x);
      expectClose(
        ly.data,
        [-Math.log(z), -1 - Math.log(z), -2 - Math.log(z), -Math.log(3), -Math.log(3), -Math.log(3)],
        1e-6,
      );
    }
  });

  test('log-softmax keeps tiny probabilities finite', () => {
    // softmax of −1000 next to 0 underflows to 0, whose log is −∞; log-softmax gives −1000.
    const ly = logSoftmax(tensor([[0, -1000]]));
    expect(ly.data[1]).toBeCloseTo(-1000, 10);
    expect(Number.isFinite(ly.data[1])).toBe(true);
  });

  test('backward of softmax and log-softmax match numerical gradients (float64)', () => {
    const x = randn([3, 4], 2);
    const dy = randn([3, 4], 3);
    const ys = softmax(x);
    expectClose(
      softmaxBackward(ys, dy).data,
      numericalGradient(() => dot(softmax(x), dy), x),
      1e-8,
    );
    const yl = logSoftmax(x);
    expectClose(
      logSoftmaxBackward(yl, dy).data,
      numericalGradient(() => dot(logSoftmax(x), dy), x),
      1e-8,
    );
  });
});
