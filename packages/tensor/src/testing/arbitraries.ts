import fc from 'fast-check';
import { conv2dOutputSize } from '../ops/conv-geometry.js';
import { pool2dOutputSize } from '../ops/pool.js';

/**
 * fast-check generators of kernel geometries for the property tests: odd sizes, batch 1,
 * strides 1/2, paddings 0/1/2, kernels 1/3/5 — the cases where index arithmetic goes wrong.
 * `seed` feeds the Rng that fills the tensors, so a shrunk counterexample is reproducible.
 */

/** x [N, C, H, W] and w [O, C, kH, kW], strides sH × sW, zero padding pH × pW. */
export interface ConvGeometry {
  N: number;
  C: number;
  O: number;
  H: number;
  W: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  seed: number;
}

export const convGeometry: fc.Arbitrary<ConvGeometry> = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 3 }),
    O: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 9 }),
    W: fc.integer({ min: 1, max: 9 }),
    kH: fc.constantFrom(1, 3, 5),
    kW: fc.constantFrom(1, 3, 5),
    sH: fc.constantFrom(1, 2),
    sW: fc.constantFrom(1, 2),
    pH: fc.constantFrom(0, 1, 2),
    pW: fc.constantFrom(0, 1, 2),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .filter((g) => conv2dOutputSize(g.H, g.kH, g.sH, g.pH) > 0 && conv2dOutputSize(g.W, g.kW, g.sW, g.pW) > 0);

interface PoolGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  ceilMode: boolean;
  countIncludePad: boolean;
  seed: number;
}

export const poolGeometry: fc.Arbitrary<PoolGeometry> = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 9 }),
    W: fc.integer({ min: 1, max: 9 }),
    kernel: fc.tuple(fc.constantFrom(1, 2, 3, 5), fc.constantFrom(1, 2, 3, 5)),
    stride: fc.tuple(fc.constantFrom(1, 2, 3), fc.constantFrom(1, 2, 3)),
    padding: fc.tuple(fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2)),
    ceilMode: fc.boolean(),
    countIncludePad: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .filter((g) => {
    const [kH, kW] = g.kernel;
    const [pH, pW] = g.padding;
    if (2 * pH > kH || 2 * pW > kW) return false;
    return (
      pool2dOutputSize(g.H, kH, g.stride[0], pH, g.ceilMode) > 0 &&
      pool2dOutputSize(g.W, kW, g.stride[1], pW, g.ceilMode) > 0
    );
  });

/** fast-check settings for every property test: seeded (reproducible) and small enough to be fast. */
export const PROPERTY_RUNS = { seed: 20240601, numRuns: 60 } as const;
