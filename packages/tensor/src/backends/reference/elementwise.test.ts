import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BinaryOp, UnaryOp } from '../../backend.js';
import { full, tensor } from '../../creation.js';
import { numericalGradient } from '../../numerical-gradient.js';
import {
  addRelu,
  axpby,
  binary,
  clone,
  copy,
  fill,
  threshold,
  thresholdBackward,
  unary,
} from '../../ops/elementwise.js';
import { stridesOf } from '../../shape.js';
import { PROPERTY_RUNS } from '../../testing/arbitraries.js';
import { dot, expectClose, randn, useReference } from '../../testing/reference.js';

beforeAll(() => useReference('float64'));

const UNARY: Record<UnaryOp, (v: number) => number> = {
  neg: (v) => -v,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  relu: (v) => (v > 0 ? v : 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  square: (v) => v * v,
  sign: Math.sign,
};
const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: Math.max,
  min: Math.min,
  pow: Math.pow,
};

describe('reference unary kernels', () => {
  test('each op matches its scalar definition, out of place and in place', () => {
    const values = [-2.5, -1, -0, 0, 0.3, 1, 4];
    for (const op of Object.keys(UNARY) as UnaryOp[]) {
      const x = tensor(values);
      const expected = values.map(UNARY[op]);
      expect(Array.from(unary(op, x).data), op).toEqual(expected);
      unary(op, x, x);
      expect(Array.from(x.data), `${op} in place`).toEqual(expected);
    }
  });

  test('relu(NaN) = 0 like threshold; sigmoid saturates without NaN', () => {
    expect(Array.from(unary('relu', tensor([NaN, -1, 2])).data)).toEqual([0, 0, 2]);
    expect(Array.from(unary('sigmoid', tensor([-1000, 1000])).data)).toEqual([0, 1]);
  });
});

describe('reference binary kernels with broadcasting', () => {
  /** out[i] = f(a[ia], b[ib]) by explicit index arithmetic over the broadcast shape. */
  function naive(
    f: (a: number, b: number) => number,
    a: { shape: number[]; data: ArrayLike<number> },
    b: { shape: number[]; data: ArrayLike<number> },
    shape: number[],
  ): number[] {
    const out: number[] = [];
    const size = shape.reduce((p, d) => p * d, 1);
    const os = stridesOf(shape);
    const at = (t: { shape: number[]; data: ArrayLike<number> }, flat: number) => {
      const ts = stridesOf(t.shape);
      let idx = 0;
      for (let i = 0; i < t.shape.length; i++) {
        const axis = shape.length - t.shape.length + i;
        const coord = Math.floor(flat / os[axis]) % shape[axis];
        idx += (t.shape[i] === 1 ? 0 : coord) * ts[i];
      }
      return t.data[idx];
    };
    for (let i = 0; i < size; i++) out.push(f(at(a, i), at(b, i)));
    return out;
  }

  test('random shapes where either side broadcasts match the index-arithmetic definition', () => {
    const arb = fc
      .array(fc.record({ d: fc.integer({ min: 1, max: 4 }), a: fc.boolean(), b: fc.boolean() }), {
        minLength: 0,
        maxLength: 4,
      })
      .chain((axes) =>
        fc.tuple(
          fc.constant(axes),
          fc.nat({ max: axes.length }),
          fc.nat({ max: axes.length }),
          fc.constantFrom(...(Object.keys(BINARY) as BinaryOp[])),
          fc.nat(),
        ),
      );
    fc.assert(
      fc.property(arb, ([axes, dropA, dropB, op, seed]) => {
        const shape = axes.map((x) => x.d);
        // Each side keeps a suffix of the axes and sets some of them to 1.
        const aShape = axes.slice(dropA).map((x) => (x.a ? 1 : x.d));
        const bShape = axes.slice(dropB).map((x) => (x.b ? 1 : x.d));
        const a = randn(aShape, seed);
        const b = randn(bShape, seed + 1);
        if (op === 'pow') for (let i = 0; i < a.size; i++) a.data[i] = Math.abs(a.data[i]);
        const y = binary(op, op, a, b);
        // Each output axis is the larger of the two sides' (d or 1; absent counts as 1).
        const start = Math.min(dropA, dropB);
        const outShape = shape
          .slice(start)
          .map((_, i) => Math.max(aShape[i + start - dropA] ?? 1, bShape[i + start - dropB] ?? 1));
        expect(y.shape).toEqual(outShape);
        expectClose(
          y.data,
          naive(BINARY[op], { shape: aShape, data: a.data }, { shape: bShape, data: b.data }, outShape),
          1e-15,
        );
      }),
      PROPERTY_RUNS,
    );
  });

  test('numbers on either side, and in place', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(binary('sub', 'sub', 10, x).toArray()).toEqual([
      [9, 8],
      [7, 6],
    ]);
    expect(binary('div', 'div', x, 2).toArray()).toEqual([
      [0.5, 1],
      [1.5, 2],
    ]);
    binary('add', 'add', x, tensor([10, 20]), x);
    expect(x.toArray()).toEqual([
      [11, 22],
      [13, 24],
    ]);
    expect(binary('max', 'maximum', tensor([1, NaN]), 0).data[1]).toBeNaN();
  });
});

describe('reference add + ReLU (fused)', () => {
  test('is relu(a + b), NaN → 0, broadcasting; its gradient is thresholdBackward(out, dy, 0) (float64 check)', () => {
    expect(Array.from(addRelu(tensor([1, -2, NaN, 0.5]), tensor([0.5, 1, 1, -0.5])).data)).toEqual([1.5, 0, 0, 0]);
    const a = randn([3, 4, 2], 21);
    const b = randn([4, 1], 22);
    const dy = randn([3, 4, 2], 23);
    const out = addRelu(a, b);
    const dOut = thresholdBackward(out, dy, 0);
    expect(Array.from(dOut.data).filter((v) => v === 0).length, 'some outputs are rectified').toBeGreaterThan(4);
    const loss = () => dot(addRelu(a, b), dy);
    expectClose(dOut.data, numericalGradient(loss, a), 1e-8);
    // b [4, 1] is broadcast over the first and last axes: its gradient sums dOut over them.
    const db = Array.from({ length: 4 }, (_, j) =>
      [0, 1, 2].reduce((s, n) => s + dOut.data[n * 8 + j * 2] + dOut.data[n * 8 + j * 2 + 1], 0),
    );
    expectClose(db, numericalGradient(loss, b), 1e-8);
  });
});

describe('reference threshold, axpby, fill, copy', () => {
  test('threshold and its backward (Torch semantics: strictly greater passes)', () => {
    const x = tensor([-1, 0, 0.5, 2]);
    expect(Array.from(threshold(x, 0.5, -9).data)).toEqual([-9, -9, -9, 2]);
    expect(Array.from(thresholdBackward(x, tensor([1, 2, 3, 4]), 0).data)).toEqual([0, 0, 3, 4]);
  });

  test('axpby computes beta·out + alpha·x and ignores old contents when beta = 0', () => {
    const out = tensor([1, 2, 3]);
    axpby(2, tensor([1, 1, 1]), 0.5, out);
    expect(Array.from(out.data)).toEqual([2.5, 3, 3.5]);
    const garbage = full([3], NaN);
    axpby(3, tensor([1, 2, 3]), 0, garbage);
    expect(Array.from(garbage.data)).toEqual([3, 6, 9]);
  });

  test('fill, copy (same size, any shape) and clone (independent storage)', () => {
    const a = fill(tensor([0, 0, 0, 0]), 7);
    expect(Array.from(a.data)).toEqual([7, 7, 7, 7]);
    const b = copy(
      tensor([1, 2, 3, 4]),
      tensor([
        [0, 0],
        [0, 0],
      ]),
    );
    expect(b.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const c = clone(b);
    c.data[0] = 99;
    expect(b.data[0]).toBe(1);
    expect(c.shape).toEqual([2, 2]);
  });
});
