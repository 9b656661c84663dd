import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { PadMode } from '../../backend.js';
import { arange, tensor } from '../../creation.js';
import { concat, pad, padBackward, permute, transpose } from '../../ops/layout.js';
import { stridesOf } from '../../shape.js';
import { PROPERTY_RUNS } from '../../testing/arbitraries.js';
import { dot, expectClose, randn, useReference } from '../../testing/reference.js';
import { padSourceIndex } from './layout.js';

beforeAll(() => useReference('float64'));

describe('reference permute', () => {
  test('transpose of a 2×3 matrix', () => {
    expect(
      transpose(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  test('NCHW → NHWC matches index arithmetic, and the inverse permutation restores x', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.shuffledSubarray(
              shape.map((_, i) => i),
              { minLength: shape.length, maxLength: shape.length },
            ),
          ),
        ),
        ([shape, perm]) => {
          const x = arange(shape.reduce((a, b) => a * b, 1));
          const xs = x.reshape(shape);
          const y = permute(xs, perm);
          expect(y.shape).toEqual(perm.map((p) => shape[p]));
          // y[i0..ik] = x[j] where j's index along axis perm[a] is i_a.
          const xStrides = stridesOf(shape);
          const yStrides = stridesOf(y.shape);
          for (let flat = 0; flat < y.size; flat++) {
            let rest = flat;
            let src = 0;
            for (let a = 0; a < y.rank; a++) {
              const i = Math.floor(rest / yStrides[a]);
              rest %= yStrides[a];
              src += i * xStrides[perm[a]];
            }
            expect(y.data[flat]).toBe(src);
          }
          const inverse = perm.map((_, i) => perm.indexOf(i));
          expect(Array.from(permute(y, inverse).data)).toEqual(Array.from(x.data));
        },
      ),
      PROPERTY_RUNS,
    );
  });
});

describe('reference concat', () => {
  test('along axis 0 and axis 1', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([[5, 6]]);
    expect(concat([a, b], 0).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(concat([a, tensor([[7], [8]])], 1).toArray()).toEqual([
      [1, 2, 7],
      [3, 4, 8],
    ]);
  });

  test('along a middle axis of rank-3 tensors, including an empty part', () => {
    const a = arange(12).reshape([2, 3, 2]);
    const b = tensor(
      Array.from({ length: 4 }, (_, i) => 100 + i),
      [2, 1, 2],
    );
    const e = tensor([], [2, 0, 2]);
    const y = concat([a, e, b], 1);
    expect(y.toArray()).toEqual([
      [
        [0, 1],
        [2, 3],
        [4, 5],
        [100, 101],
      ],
      [
        [6, 7],
        [8, 9],
        [10, 11],
        [102, 103],
      ],
    ]);
  });
});

describe('reference pad', () => {
  const row = () => tensor([1, 2, 3]);
  test('the four modes on a row [1, 2, 3] padded by [2, 2]', () => {
    expect(pad(row(), [[2, 2]]).toArray()).toEqual([0, 0, 1, 2, 3, 0, 0]);
    expect(pad(row(), [[2, 2]], 'constant', 9).toArray()).toEqual([9, 9, 1, 2, 3, 9, 9]);
    // 'zero' ignores value (decided in backend.ts).
    expect(pad(row(), [[2, 2]], 'zero', 9).toArray()).toEqual([0, 0, 1, 2, 3, 0, 0]);
    // reflect mirrors around the edge without repeating it: … 3 2 | 1 2 3 | 2 1 …
    expect(pad(row(), [[2, 2]], 'reflect').toArray()).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(pad(row(), [[2, 2]], 'replicate').toArray()).toEqual([1, 1, 1, 2, 3, 3, 3]);
  });

  test('a 2-D reflect pads rows and columns independently', () => {
    // x = [[1,2],[3,4],[5,6]] padded by 1 on rows and columns: row order 1,0,1,2,1 and column
    // order 1,0,1,0 (the corners reflect in both directions).
    const y = pad(
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      [
        [1, 1],
        [1, 1],
      ],
      'reflect',
    );
    expect(y.toArray()).toEqual([
      [4, 3, 4, 3],
      [2, 1, 2, 1],
      [4, 3, 4, 3],
      [6, 5, 6, 5],
      [4, 3, 4, 3],
    ]);
  });

  test('source index tables', () => {
    expect(Array.from(padSourceIndex(3, 2, 1, 'zero'))).toEqual([-1, -1, 0, 1, 2, -1]);
    expect(Array.from(padSourceIndex(3, 2, 1, 'reflect'))).toEqual([2, 1, 0, 1, 2, 1]);
    expect(Array.from(padSourceIndex(3, 2, 1, 'replicate'))).toEqual([0, 0, 0, 1, 2, 2]);
  });

  test('backward of replicate sums the repeated edges', () => {
    // [1,1,1,2,3,3,3] read x0 three times and x2 three times: dy = 1..7 → dx = [1+2+3, 4, 5+6+7].
    const dx = padBackward(tensor([1, 2, 3, 4, 5, 6, 7]), [[2, 2]], 'replicate', [3]);
    expect(dx.toArray()).toEqual([6, 4, 18]);
    // reflect [3,2,1,2,3,2,1] reads x2 at 0 and 4, x1 at 1, 3 and 5, x0 at 2 and 6.
    const dr = padBackward(tensor([1, 2, 3, 4, 5, 6, 7]), [[2, 2]], 'reflect', [3]);
    expect(dr.toArray()).toEqual([3 + 7, 2 + 4 + 6, 1 + 5]);
  });

  test('<pad(x), dy> = <x, padBackward(dy)> for every mode (float64, random shapes)', () => {
    const modes: PadMode[] = ['zero', 'constant', 'reflect', 'replicate'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.integer({ min: 1, max: 5 }),
            before: fc.integer({ min: 0, max: 3 }),
            after: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.constantFrom(...modes),
        fc.integer({ min: 0, max: 1000 }),
        (axes, mode, seed) => {
          // reflect needs pads smaller than the axis.
          const pads = axes.map(
            (a) =>
              (mode === 'reflect'
                ? [Math.min(a.before, a.size - 1), Math.min(a.after, a.size - 1)]
                : [a.before, a.after]) as [number, number],
          );
          const x = randn(
            axes.map((a) => a.size),
            seed,
          );
          // Constant padding with a non-zero value is affine, not linear: test the linear part.
          const y = pad(x, pads, mode, 0);
          const dy = randn(y.shape, seed + 1);
          const dx = padBackward(dy, pads, mode, x.shape);
          expectClose([dot(x, dx)], [dot(y, dy)], 1e-10);
        },
      ),
      PROPERTY_RUNS,
    );
  });
});
