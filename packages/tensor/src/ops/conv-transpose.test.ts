import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { PROPERTY_RUNS } from '../testing/arbitraries.js';
import { dot, expectClose, randn, useReference } from '../testing/reference.js';
import { convTranspose2dOutputSize } from './conv-geometry.js';
import { convTranspose2d, convTranspose2dBackwardData, convTranspose2dBackwardFilter } from './conv-transpose.js';

beforeAll(() => useReference('float64'));

/**
 * The definition of a transposed convolution, written independently of the conv kernels:
 * every input pixel (ih, iw) scatters x · w[ci, co] onto output (ih·s − p + kh, iw·s − p + kw).
 */
function scatterDefinition(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  [sH, sW]: number[],
  [pH, pW]: number[],
  [aH, aW]: number[],
): { shape: number[]; data: Float64Array } {
  const [N, Cin, H, W] = x.shape;
  const [, Cout, kH, kW] = w.shape;
  const Ho = (H - 1) * sH - 2 * pH + kH + aH;
  const Wo = (W - 1) * sW - 2 * pW + kW + aW;
  const y = new Float64Array(N * Cout * Ho * Wo);
  for (let n = 0; n < N; n++) {
    for (let co = 0; co < Cout; co++) {
      for (let i = 0; i < Ho * Wo; i++) y[(n * Cout + co) * Ho * Wo + i] = bias ? bias.data[co] : 0;
    }
    for (let ci = 0; ci < Cin; ci++) {
      for (let ih = 0; ih < H; ih++) {
        for (let iw = 0; iw < W; iw++) {
          const v = x.data[((n * Cin + ci) * H + ih) * W + iw];
          for (let co = 0; co < Cout; co++) {
            for (let kh = 0; kh < kH; kh++) {
              for (let kw = 0; kw < kW; kw++) {
                const oh = ih * sH - pH + kh;
                const ow = iw * sW - pW + kw;
                if (oh < 0 || oh >= Ho || ow < 0 || ow >= Wo) continue;
                y[((n * Cout + co) * Ho + oh) * Wo + ow] += v * w.data[((ci * Cout + co) * kH + kh) * kW + kw];
              }
            }
          }
        }
      }
    }
  }
  return { shape: [N, Cout, Ho, Wo], data: y };
}

const geometry = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    Cin: fc.integer({ min: 1, max: 3 }),
    Cout: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 5 }),
    W: fc.integer({ min: 1, max: 5 }),
    kH: fc.constantFrom(1, 3, 5),
    kW: fc.constantFrom(1, 3, 5),
    sH: fc.constantFrom(1, 2),
    sW: fc.constantFrom(1, 2),
    pH: fc.constantFrom(0, 1, 2),
    pW: fc.constantFrom(0, 1, 2),
    aH: fc.constantFrom(0, 1),
    aW: fc.constantFrom(0, 1),
    bias: fc.boolean(),
    seed: fc.nat(),
  })
  .filter(
    (g) =>
      g.aH < g.sH &&
      g.aW < g.sW &&
      convTranspose2dOutputSize(g.H, g.kH, g.sH, g.pH, g.aH) > 0 &&
      convTranspose2dOutputSize(g.W, g.kW, g.sW, g.pW, g.aW) > 0,
  );

describe('convTranspose2d', () => {
  test('hand-computed: 2×2 input, diag(1,2,3) kernel, stride 2, pad 1, output padding 1 and 0', () => {
    // y(2·ih − 1 + kh, 2·iw − 1 + kw) += x(ih, iw) · w(kh, kw), x = 1,2,3,4:
    //   x(0,0)=1 → y(0,0) += 2, y(1,1) += 3     x(0,1)=2 → y(0,2) += 4, y(1,3) += 6
    //   x(1,0)=3 → y(2,0) += 6, y(3,1) += 9     x(1,1)=4 → y(1,1) += 4, y(2,2) += 8, y(3,3) += 12
    // Size (2 − 1)·2 − 2 + 3 + outputPadding = 3 + outputPadding.
    const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    const w = tensor([1, 0, 0, 0, 2, 0, 0, 0, 3], [1, 1, 3, 3]);
    const y4 = convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 });
    expect(y4.shape).toEqual([1, 1, 4, 4]);
    expect(Array.from(y4.data)).toEqual([2, 0, 4, 0, 0, 7, 0, 6, 6, 0, 8, 0, 0, 9, 0, 12]);
    const y3 = convTranspose2d(x, w, tensor([0.5]), { stride: 2, padding: 1 });
    expect(Array.from(y3.data)).toEqual([2.5, 0.5, 4.5, 0.5, 7.5, 0.5, 6.5, 0.5, 8.5]);
  });

  test('hand-computed: one input channel to two output channels with a 1×1 kernel', () => {
    // y[co] = x · w[0, co] + bias[co]: w = (2, −1), bias = (0, 10)
    const y = convTranspose2d(tensor([1, 2, 3, 4], [1, 1, 2, 2]), tensor([2, -1], [1, 2, 1, 1]), tensor([0, 10]));
    expect(Array.from(y.data)).toEqual([2, 4, 6, 8, 9, 8, 7, 6]);
  });

  test('matches the scatter definition on random geometry (float64)', () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const x = randn([g.N, g.Cin, g.H, g.W], g.seed);
        const w = randn([g.Cin, g.Cout, g.kH, g.kW], g.seed + 1);
        const bias = g.bias ? randn([g.Cout], g.seed + 2) : null;
        const opts = {
          stride: [g.sH, g.sW] as const,
          padding: [g.pH, g.pW] as const,
          outputPadding: [g.aH, g.aW] as const,
        };
        const y = convTranspose2d(x, w, bias, opts);
        const expected = scatterDefinition(x, w, bias, [g.sH, g.sW], [g.pH, g.pW], [g.aH, g.aW]);
        expect(y.shape).toEqual(expected.shape);
        expectClose(y.data, expected.data, 1e-12);
      }),
      PROPERTY_RUNS,
    );
  });

  test('backward data and filter are the adjoints; db sums dy per output channel', () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const x = randn([g.N, g.Cin, g.H, g.W], g.seed);
        const w = randn([g.Cin, g.Cout, g.kH, g.kW], g.seed + 1);
        const opts = {
          stride: [g.sH, g.sW] as const,
          padding: [g.pH, g.pW] as const,
          outputPadding: [g.aH, g.aW] as const,
        };
        const y = convTranspose2d(x, w, null, opts);
        const dy = randn(y.shape, g.seed + 3);
        const dx = convTranspose2dBackwardData(dy, w, x.shape, opts);
        const { dw, db } = convTranspose2dBackwardFilter(x, dy, w.shape, opts);
        expectClose([dot(x, dx)], [dot(y, dy)], 1e-10);
        expectClose([dot(w, dw)], [dot(y, dy)], 1e-10);
        const plane = y.shape[2] * y.shape[3];
        const sums = new Float64Array(g.Cout);
        for (let i = 0; i < dy.size; i++) sums[Math.floor(i / plane) % g.Cout] += dy.data[i];
        expectClose(db!.data, sums, 1e-12);
      }),
      PROPERTY_RUNS,
    );
  });

  test('backward filter accumulates into given gradients when asked', () => {
    const x = randn([1, 2, 3, 3], 1);
    const w = [2, 3, 3, 3];
    const opts = { stride: 2, padding: 1, outputPadding: 1 };
    const dy = randn([1, 3, 6, 6], 2);
    const first = convTranspose2dBackwardFilter(x, dy, w, opts);
    const once = { dw: Float64Array.from(first.dw.data), db: Float64Array.from(first.db!.data) };
    convTranspose2dBackwardFilter(x, dy, w, opts, { dw: first.dw, db: first.db, accumulate: true });
    expectClose(
      first.dw.data,
      once.dw.map((v) => 2 * v),
      1e-14,
    );
    expectClose(
      first.db!.data,
      once.db.map((v) => 2 * v),
      1e-14,
    );
    expect(convTranspose2dBackwardFilter(x, dy, w, opts, { db: null }).db).toBeNull();
  });
});
