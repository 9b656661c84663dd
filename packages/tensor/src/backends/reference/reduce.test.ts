import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ReduceOp } from '../../backend.js';
import { tensor } from '../../creation.js';
import { argmax, max, mean, min, sum, topk } from '../../ops/reduce.js';
import { stridesOf } from '../../shape.js';
import { PROPERTY_RUNS } from '../../testing/arbitraries.js';
import { expectClose, randn, useReference } from '../../testing/reference.js';

beforeAll(() => useReference('float64'));

const OPS = { sum, mean, max, min };

describe('reference reduce', () => {
  test('hand-computed sums, means and extrema of a 2×3 matrix', () => {
    const x = tensor([
      [1, 5, 3],
      [4, 2, 6],
    ]);
    expect(sum(x).item()).toBe(21);
    expect(sum(x, 0).toArray()).toEqual([5, 7, 9]);
    expect(mean(x, 1, true).toArray()).toEqual([[3], [4]]);
    expect(max(x, 1).toArray()).toEqual([5, 6]);
    expect(min(x, [0, 1]).item()).toBe(1);
  });

  test('any subset of axes matches a brute-force reduction (float64, random shapes)', () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.subarray(shape.map((_, i) => i)),
          fc.constantFrom<ReduceOp>('sum', 'mean', 'max', 'min'),
          fc.nat(),
        ),
      );
    fc.assert(
      fc.property(arb, ([shape, axes, op, seed]) => {
        const x = randn(shape, seed);
        const y = OPS[op](x, axes, true);
        const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
        expect(y.shape).toEqual(kept);
        const groups: number[][] = Array.from({ length: y.size }, () => []);
        const xs = stridesOf(shape);
        const ks = stridesOf(kept);
        for (let i = 0; i < x.size; i++) {
          let target = 0;
          for (let a = 0; a < shape.length; a++)
            if (!axes.includes(a)) target += (Math.floor(i / xs[a]) % shape[a]) * ks[a];
          groups[target].push(x.data[i]);
        }
        const expected = groups.map((g) =>
          op === 'sum'
            ? g.reduce((p, v) => p + v, 0)
            : op === 'mean'
              ? g.reduce((p, v) => p + v, 0) / g.length
              : op === 'max'
                ? Math.max(...g)
                : Math.min(...g),
        );
        expectClose(y.data, expected, 1e-13);
      }),
      PROPERTY_RUNS,
    );
  });

  test('float32 sums accumulate in float64', () => {
    // 2^24 + 1 ones: a float32 running sum sticks at 2^24; the float64 accumulator does not.
    const n = 2 ** 24 + 4;
    const x = tensor(new Float32Array(n).fill(1), [n], 'float32');
    expect(sum(x).item()).toBe(n);
  });
});

describe('reference argmax and topk', () => {
  test('argmax picks the first maximum; NaN counts as the maximum', () => {
    const x = tensor([
      [1, 3, 3],
      [2, NaN, 9],
      [-1, -1, -1],
    ]);
    expect(argmax(x, 1).toArray()).toEqual([1, 1, 0]);
    expect(argmax(x, 0, true).toArray()).toEqual([[1, 1, 1]]);
  });

  test('topk sorts descending, lower index first on ties', () => {
    const x = tensor([
      [5, 1, 5, 3],
      [0, 2, 2, 7],
    ]);
    const { values, indices } = topk(x, 3);
    expect(values.toArray()).toEqual([
      [5, 5, 3],
      [7, 2, 2],
    ]);
    expect(Array.from(indices)).toEqual([0, 2, 3, 3, 1, 2]);
    const col = topk(x, 1, 0);
    expect(col.values.toArray()).toEqual([[5, 2, 5, 7]]);
    expect(Array.from(col.indices)).toEqual([0, 1, 0, 1]);
  });
});
