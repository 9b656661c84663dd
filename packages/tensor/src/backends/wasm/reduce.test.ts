import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReduceOp } from '../../backend.js';
import { Rng } from '../../random.js';
import {
  absolute,
  expectAgree,
  filledPair,
  RUNS,
  randomPair,
  reference,
  termScale,
  wasm,
} from '../../testing/wasm-vs-reference.js';
import { reductionRuns } from './reduce.js';

/** A shape of rank 1–4 and a non-empty sorted subset of its axes. */
const reduction = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    axes: fc.subarray(
      shape.map((_, i) => i),
      { minLength: 1 },
    ),
    op: fc.constantFrom<ReduceOp>('sum', 'mean', 'max', 'min'),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  }),
);

function check(shape: number[], axes: number[], op: ReduceOp, seed: number): void {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const [xw, xr] = randomPair(shape, new Rng(seed));
  // Every fourth case has a NaN, which every op must propagate to its output slot.
  if (seed % 4 === 0) xw.data[seed % xw.size] = xr.data[seed % xr.size] = NaN;
  const [yw, yr] = filledPair(outShape, NaN);
  wasm().reduce(op, xw, axes, yw);
  reference().reduce(op, xr, axes, yr);
  let count = 1;
  for (const a of axes) count *= shape[a];
  let scale: number | undefined;
  if (op === 'sum' || op === 'mean') {
    const [, terms] = filledPair(outShape, 0);
    reference().reduce(op, absolute(xr), axes, terms);
    scale = termScale(yr, terms, count);
  }
  expectAgree(yw, yr, count, `reduce ${op} over [${axes}] of [${shape}]`, scale);
}

describe('wasm reductions', () => {
  it('sum, mean, max and min over any set of axes match the reference', () => {
    fc.assert(
      fc.property(reduction, ({ shape, axes, op, seed }) => check(shape, axes, op, seed)),
      RUNS,
    );
  });

  it('long sums (a whole batch-norm channel) stay accurate', () => {
    check([128, 3, 33, 32], [0, 2, 3], 'sum', 1);
    check([70001], [0], 'mean', 2);
  });

  it('splits the reduced axes into runs of adjacent axes, letting size-1 axes join', () => {
    expect(reductionRuns([4, 5, 6, 7], [0, 2, 3])).toEqual([
      [0, 1],
      [2, 4],
    ]);
    expect(reductionRuns([4, 1, 6], [0, 2])).toEqual([[0, 3]]);
    expect(reductionRuns([4, 1, 6], [2])).toEqual([[1, 3]]);
    expect(reductionRuns([1, 5], [])).toEqual([]);
  });

  it('argmax along any axis matches the reference, NaN and ties included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (shape, a, seed) => {
          const axis = a % shape.length;
          const rng = new Rng(seed);
          const [xw, xr] = randomPair(shape, rng);
          // Ties (rounded values) and an occasional NaN.
          for (let i = 0; i < xw.size; i++) xw.data[i] = xr.data[i] = i % 11 === 7 ? NaN : Math.round(xw.data[i] * 2);
          const outShape = shape.map((d, i) => (i === axis ? 1 : d));
          const [yw, yr] = filledPair(outShape, NaN);
          wasm().argmax(xw, axis, yw);
          reference().argmax(xr, axis, yr);
          expect(Array.from(yw.data)).toEqual(Array.from(yr.data));
        },
      ),
      RUNS,
    );
  });
});
