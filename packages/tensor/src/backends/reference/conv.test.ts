import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { tensor } from '../../creation.js';
import { conv2d, conv2dBackwardData, conv2dBackwardFilter } from '../../ops/conv.js';
import { convGeometry, PROPERTY_RUNS } from '../../testing/arbitraries.js';
import { dot, expectClose, randn, useReference } from '../../testing/reference.js';
import { validOutputRange } from './conv.js';

beforeAll(() => useReference('float64'));

// x = 1..16 laid out as a 4×4 image:      w = diag(1, 2, 3) (asymmetric: a flipped kernel would
//    1  2  3  4                                            swap the 1 and the 3)
//    5  6  7  8
//    9 10 11 12
//   13 14 15 16
// With stride 2, pad 1 the 2×2 output windows start at input (row, col) = (2·oh − 1, 2·ow − 1).
const x16 = () =>
  tensor(
    Array.from({ length: 16 }, (_, i) => i + 1),
    [1, 1, 4, 4],
  );
const wDiag = () => tensor([1, 0, 0, 0, 2, 0, 0, 0, 3], [1, 1, 3, 3]);
const s2p1 = { stride: 2, padding: 1 };

describe('reference conv2d: hand-computed', () => {
  test('1×1×4×4 input, 3×3 kernel, stride 2, pad 1, bias', () => {
    // Only the diagonal taps (0,0)·1, (1,1)·2, (2,2)·3 contribute:
    // (0,0): window at (−1,−1): pad·1 + x(0,0)=1·2 + x(1,1)=6·3 = 2 + 18 = 20
    // (0,1): window at (−1, 1): pad·1 + x(0,2)=3·2 + x(1,3)=8·3 = 6 + 24 = 30
    // (1,0): window at ( 1,−1): pad·1 + x(2,0)=9·2 + x(3,1)=14·3 = 18 + 42 = 60
    // (1,1): window at ( 1, 1): x(1,1)=6·1 + x(2,2)=11·2 + x(3,3)=16·3 = 6 + 22 + 48 = 76
    // plus bias 0.5 each.
    const y = conv2d(x16(), wDiag(), tensor([0.5]), s2p1);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(y.data)).toEqual([20.5, 30.5, 60.5, 76.5]);
  });

  test('two channels in and out with a 1×1 kernel mixes channels per pixel', () => {
    // y0 = 1·x0 + 0.5·x1 + 1 ;  y1 = −1·x0 + 2·x1 − 1, with x0 = 1,2,3,4 and x1 = 10,20,30,40
    // y0 = 1+5+1, 2+10+1, 3+15+1, 4+20+1 = 7, 13, 19, 25
    // y1 = −1+20−1, −2+40−1, −3+60−1, −4+80−1 = 18, 37, 56, 75
    const x = tensor([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
    const w = tensor([1, 0.5, -1, 2], [2, 2, 1, 1]);
    const y = conv2d(x, w, tensor([1, -1]));
    expect(Array.from(y.data)).toEqual([7, 13, 19, 25, 18, 37, 56, 75]);
  });

  test('backward data scatters dy through the taps', () => {
    // dy = 1,2,3,4 at windows (−1,−1), (−1,1), (1,−1), (1,1); each adds dy·2 at window+(1,1)
    // and dy·3 at window+(2,2) (the ·1 tap at +(0,0) is inside only for the last window):
    //   dy=1: x(0,0) += 2, x(1,1) += 3        dy=2: x(0,2) += 4, x(1,3) += 6
    //   dy=3: x(2,0) += 6, x(3,1) += 9        dy=4: x(1,1) += 4, x(2,2) += 8, x(3,3) += 12
    const dx = conv2dBackwardData(tensor([1, 2, 3, 4], [1, 1, 2, 2]), wDiag(), [1, 1, 4, 4], s2p1);
    expect(Array.from(dx.data)).toEqual([2, 0, 4, 0, 0, 7, 0, 6, 6, 0, 8, 0, 0, 9, 0, 12]);
  });

  test('backward filter correlates x with dy', () => {
    // dw(kh,kw) = Σ dy(oh,ow) · x(2oh−1+kh, 2ow−1+kw), dy = 1,2,3,4, x(r,c) = 4r + c + 1:
    //   dw(0,0) = 4·x(1,1)                              = 4·6                 = 24
    //   dw(0,1) = 3·x(1,0) + 4·x(1,2)                   = 15 + 28             = 43
    //   dw(0,2) = 3·x(1,1) + 4·x(1,3)                   = 18 + 32             = 50
    //   dw(1,0) = 2·x(0,1) + 4·x(2,1)                   = 4 + 40              = 44
    //   dw(1,1) = 1·x(0,0) + 2·x(0,2) + 3·x(2,0) + 4·x(2,2) = 1 + 6 + 27 + 44  = 78
    //   dw(1,2) = 1·x(0,1) + 2·x(0,3) + 3·x(2,1) + 4·x(2,3) = 2 + 8 + 30 + 48  = 88
    //   dw(2,0) = 2·x(1,1) + 4·x(3,1)                   = 12 + 56             = 68
    //   dw(2,1) = 1·x(1,0) + 2·x(1,2) + 3·x(3,0) + 4·x(3,2) = 5 + 14 + 39 + 60 = 118
    //   dw(2,2) = 1·x(1,1) + 2·x(1,3) + 3·x(3,1) + 4·x(3,3) = 6 + 16 + 42 + 64 = 128
    //   db = 1 + 2 + 3 + 4 = 10
    const { dw, db } = conv2dBackwardFilter(x16(), tensor([1, 2, 3, 4], [1, 1, 2, 2]), [1, 1, 3, 3], s2p1);
    expect(Array.from(dw.data)).toEqual([24, 43, 50, 44, 78, 88, 68, 118, 128]);
    expect(Array.from(db!.data)).toEqual([10]);
    // Consistency of the three hand computations: <conv(x; w), dy> = 20+60+180+304 = 564
    // = <x, dx> = <w, dw> = 24·1 + 78·2 + 128·3.
    expect(24 * 1 + 78 * 2 + 128 * 3).toBe(564);
  });

  test('backward filter with accumulate adds to existing gradients', () => {
    const x = x16();
    const dy = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    const first = conv2dBackwardFilter(x, dy, [1, 1, 3, 3], s2p1);
    const again = conv2dBackwardFilter(x, dy, [1, 1, 3, 3], s2p1, { dw: first.dw, db: first.db, accumulate: true });
    expect(again.dw).toBe(first.dw);
    expect(Array.from(again.dw.data)).toEqual([48, 86, 100, 88, 156, 176, 136, 236, 256]);
    expect(Array.from(again.db!.data)).toEqual([20]);
  });

  test('dx rows that no window reaches are zero', () => {
    // H = 6, k = 3, stride 2, pad 0: windows cover rows 0..4 (output 2 rows), row 5 never.
    const dx = conv2dBackwardData(randn([1, 1, 2, 2], 1), randn([1, 1, 3, 3], 2), [1, 1, 6, 6], { stride: 2 });
    for (let c = 0; c < 6; c++) {
      expect(dx.get(0, 0, 5, c)).toBe(0);
      expect(dx.get(0, 0, c, 5)).toBe(0);
    }
  });
});

describe('reference conv2d: adjoint identities (float64, random geometry)', () => {
  test('<conv(x), dy> = <x, conv2dBackwardData(dy)> and <conv(x; w), dy> = <w, dw>, Σdy = db', () => {
    fc.assert(
      fc.property(convGeometry, (g) => {
        const opts = {
          stride: [g.sH, g.sW] as [number, number],
          padding: [g.pH, g.pW] as [number, number],
        };
        const x = randn([g.N, g.C, g.H, g.W], g.seed);
        const w = randn([g.O, g.C, g.kH, g.kW], g.seed + 1);
        const y = conv2d(x, w, null, opts);
        const dy = randn(y.shape, g.seed + 2);
        const dx = conv2dBackwardData(dy, w, x.shape, opts);
        const { dw, db } = conv2dBackwardFilter(x, dy, w.shape, opts);
        const lhs = dot(y, dy);
        expectClose([dot(x, dx)], [lhs], 1e-10);
        expectClose([dot(w, dw)], [lhs], 1e-10);
        // The bias adds to every pixel of its channel: db[o] = Σ over n, h, w of dy.
        const sums = new Float64Array(g.O);
        const [, , Ho, Wo] = y.shape;
        for (let i = 0; i < dy.size; i++) sums[Math.floor(i / (Ho * Wo)) % g.O] += dy.data[i];
        expectClose(db!.data, sums, 1e-12);
      }),
      PROPERTY_RUNS,
    );
  });

  test('float32 agrees with float64 to single precision', () => {
    const x64 = randn([2, 3, 7, 5], 11);
    const w64 = randn([4, 3, 3, 3], 12);
    const y64 = conv2d(x64, w64, null, { stride: [2, 1], padding: 1 });
    const y32 = conv2d(tensor(x64.data, x64.shape, 'float32'), tensor(w64.data, w64.shape, 'float32'), null, {
      stride: [2, 1],
      padding: 1,
    });
    expect(y32.dtype).toBe('float32');
    expectClose(y32.data, y64.data, 1e-5);
  });
});

describe('validOutputRange', () => {
  test('[lo, hi) is exactly the outputs whose tap o·stride − pad + k lands inside the input', () => {
    for (let inSize = 1; inSize <= 9; inSize++) {
      for (const kernel of [1, 2, 3, 5]) {
        for (const stride of [1, 2, 3]) {
          for (const pad of [0, 1, 2]) {
            const outSize = Math.max(0, Math.floor((inSize + 2 * pad - kernel) / stride) + 1);
            const { lo, hi } = validOutputRange(outSize, inSize, kernel, stride, pad);
            for (let k = 0; k < kernel; k++) {
              const inside = [];
              for (let o = 0; o < outSize; o++) {
                const i = o * stride - pad + k;
                if (i >= 0 && i < inSize) inside.push(o);
              }
              const range = Array.from({ length: hi[k] - lo[k] }, (_, j) => lo[k] + j);
              expect(range, `in ${inSize} k ${kernel} s ${stride} p ${pad} tap ${k}`).toEqual(inside);
            }
          }
        }
      }
    }
  });
});
