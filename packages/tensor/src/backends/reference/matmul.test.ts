import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { full, tensor } from '../../creation.js';
import { transpose } from '../../ops/layout.js';
import { matmul } from '../../ops/matmul.js';
import { PROPERTY_RUNS } from '../../testing/arbitraries.js';
import { expectClose, randn, useReference } from '../../testing/reference.js';

beforeAll(() => useReference('float64'));

describe('reference matmul', () => {
  test('hand-computed 2×3 · 3×2', () => {
    // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [1·7+2·9+3·11, 1·8+2·10+3·12; …] = [58 64; 139 154]
    const y = matmul(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tensor([
        [7, 8],
        [9, 10],
        [11, 12],
      ]),
    );
    expect(y.toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
  });

  test('every transpose combination, alpha and beta match the triple loop', () => {
    fc.assert(
      fc.property(
        fc.record({
          M: fc.integer({ min: 1, max: 7 }),
          K: fc.integer({ min: 1, max: 7 }),
          N: fc.integer({ min: 1, max: 7 }),
          transA: fc.boolean(),
          transB: fc.boolean(),
          alpha: fc.constantFrom(1, -0.5, 2),
          beta: fc.constantFrom(0, 1, 0.25),
          seed: fc.nat(),
        }),
        ({ M, K, N, transA, transB, alpha, beta, seed }) => {
          const a = randn([M, K], seed);
          const b = randn([K, N], seed + 1);
          const c = randn([M, N], seed + 2);
          const expected = new Float64Array(M * N);
          for (let i = 0; i < M; i++) {
            for (let j = 0; j < N; j++) {
              let s = 0;
              for (let p = 0; p < K; p++) s += a.data[i * K + p] * b.data[p * N + j];
              expected[i * N + j] = alpha * s + beta * c.data[i * N + j];
            }
          }
          const out = c;
          matmul(transA ? transpose(a) : a, transB ? transpose(b) : b, { transA, transB, alpha, beta, out });
          expectClose(out.data, expected, 1e-13);
        },
      ),
      PROPERTY_RUNS,
    );
  });

  test('beta = 0 ignores NaN in out', () => {
    const out = full([1, 1], NaN);
    matmul(tensor([[2]]), tensor([[3]]), { out });
    expect(out.item()).toBe(6);
  });
});
