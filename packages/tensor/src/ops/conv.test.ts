import { beforeAll, describe, expect, test } from 'vitest';
import { createReferenceBackend } from '../backends/reference/index.js';
import { registerBackend, withBackend } from '../engine.js';
import { dot, expectClose, randn, useReference } from '../testing/reference.js';
import { conv2d, conv2dBackwardFilter } from './conv.js';
import { conv2dOutputSize } from './conv-geometry.js';
import { add, threshold } from './elementwise.js';

beforeAll(() => useReference('float64'));

describe('conv2d front-end', () => {
  test('output size: floor((size + 2 pad − kernel) / stride) + 1', () => {
    expect(conv2dOutputSize(32, 3, 1, 1)).toBe(32);
    expect(conv2dOutputSize(32, 3, 2, 1)).toBe(16); // floor(31 / 2) + 1
    expect(conv2dOutputSize(7, 5, 2, 0)).toBe(2); // floor(2 / 2) + 1
    expect(conv2dOutputSize(2, 5, 1, 0)).toBe(-2);
  });

  test('a number and an [h, w] pair mean the same; pairs may differ per axis', () => {
    const x = randn([1, 2, 7, 6], 1);
    const w = randn([3, 2, 3, 1], 2);
    const a = conv2d(x, w, null, { stride: 2, padding: 1 });
    const b = conv2d(x, w, null, { stride: [2, 2], padding: [1, 1] });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const c = conv2d(x, w, null, { stride: [2, 1], padding: [1, 0] });
    expect(c.shape).toEqual([1, 3, conv2dOutputSize(7, 3, 2, 1), conv2dOutputSize(6, 1, 1, 0)]);
  });

  test('backward filter: db is computed by default and skipped with null', () => {
    const x = randn([2, 2, 5, 5], 3);
    const dy = randn([2, 4, 5, 5], 4);
    const full = conv2dBackwardFilter(x, dy, [4, 2, 3, 3], { padding: 1 });
    expect(full.db?.shape).toEqual([4]);
    const noBias = conv2dBackwardFilter(x, dy, [4, 2, 3, 3], { padding: 1 }, { db: null });
    expect(noBias.db).toBeNull();
    expectClose(noBias.dw.data, full.dw.data, 0);
    // Accumulating into fresh (allocated) gradients starts from zero.
    const fresh = conv2dBackwardFilter(x, dy, [4, 2, 3, 3], { padding: 1 }, { accumulate: true });
    expectClose(fresh.dw.data, full.dw.data, 0);
    expect(dot(fresh.db!, fresh.db!)).toBeCloseTo(dot(full.db!, full.db!), 12);
  });

  test('the epilogue adds the residual after the bias, then rectifies; a backend without it gets separate kernels', () => {
    const x = randn([2, 3, 6, 5], 5);
    const w = randn([4, 3, 3, 3], 6);
    const b = randn([4], 7);
    const r = randn([2, 4, 6, 5], 8);
    const plain = conv2d(x, w, b, { padding: 1 });
    const expected = threshold(add(plain, r), 0, 0);
    expectClose(conv2d(x, w, b, { padding: 1, residual: r, relu: true }).data, expected.data, 1e-12);
    expectClose(conv2d(x, w, b, { padding: 1, residual: r }).data, add(plain, r).data, 1e-12);
    expectClose(conv2d(x, w, b, { padding: 1, relu: true }).data, threshold(plain, 0, 0).data, 1e-12);
    // A backend that does not declare convEpilogue never sees one: the op applies it.
    const seen: unknown[] = [];
    registerBackend('no-epilogue', () => {
      const ref = createReferenceBackend();
      return {
        ...ref,
        name: 'no-epilogue',
        convEpilogue: undefined,
        conv2d: (...args) => {
          seen.push(args[5]);
          ref.conv2d(args[0], args[1], args[2], args[3], args[4]);
        },
      };
    });
    const y = withBackend('no-epilogue', () => conv2d(x, w, b, { padding: 1, residual: r, relu: true }), 'float64');
    expect(seen).toEqual([undefined]);
    expectClose(y.data, expected.data, 1e-12);
  });

  test('the residual must have the output shape and not share memory with the input or the output', () => {
    const x = randn([1, 2, 4, 4], 9);
    const w = randn([2, 2, 3, 3], 10);
    expect(() => conv2d(x, w, null, { padding: 1, residual: randn([1, 2, 4, 3], 11) })).toThrow(/residual/);
    expect(() => conv2d(x, w, null, { padding: 1, residual: x })).toThrow(/must not share memory/);
    const out = randn([1, 2, 4, 4], 12);
    expect(() => conv2d(x, w, null, { padding: 1, residual: out }, out)).toThrow(/must not share memory/);
  });
});
