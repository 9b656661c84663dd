import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PadMode } from '../../backend.js';
import { Rng } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { filledPair, RUNS, randomPair, reference, wasm } from '../../testing/wasm-vs-reference.js';
import { forEachRun } from './pad.js';

/** Padding only moves values: wasm must equal the reference exactly. */
function expectSame(actual: Tensor, expected: Tensor, what: string): void {
  expect(Array.from(actual.data), what).toEqual(Array.from(expected.data));
}

const cases = fc
  .integer({ min: 1, max: 4 })
  .chain((rank) =>
    fc.record({
      shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: rank, maxLength: rank }),
      pads: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), {
        minLength: rank,
        maxLength: rank,
      }),
      mode: fc.constantFrom<PadMode>('zero', 'constant', 'reflect', 'replicate'),
      value: fc.double({ min: -3, max: 3, noNaN: true }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    }),
  )
  .filter(
    ({ shape, pads, mode }) =>
      mode === 'zero' || mode === 'constant' || shape.every((d, i) => d > Math.max(...pads[i])),
  );

describe('wasm pad', () => {
  it('pad and padBackward equal the reference for every mode (constant ones as copies of runs)', () => {
    fc.assert(
      fc.property(cases, ({ shape, pads, mode, value, seed }) => {
        const outShape = shape.map((d, i) => d + pads[i][0] + pads[i][1]);
        const rng = new Rng(seed);
        const [xw, xr] = randomPair(shape, rng);
        const [yw, yr] = filledPair(outShape, NaN);
        wasm().pad(xw, pads, mode, value, yw);
        reference().pad(xr, pads, mode, value, yr);
        expectSame(yw, yr, `pad ${mode} ${JSON.stringify(shape)} ${JSON.stringify(pads)}`);
        const [dyw, dyr] = randomPair(outShape, rng);
        const [dxw, dxr] = filledPair(shape, NaN);
        wasm().padBackward(dyw, pads, mode, dxw);
        reference().padBackward(dyr, pads, mode, dxr);
        expectSame(dxw, dxr, `padBackward ${mode} ${JSON.stringify(shape)} ${JSON.stringify(pads)}`);
      }),
      RUNS,
    );
  });

  it('pads a reference-backend tensor too (copied in and out of wasm memory)', () => {
    const x = Tensor.empty([2, 3, 2], 'float32', reference());
    new Rng(1).fillUniform(x.data, -1, 1);
    const pads: [number, number][] = [
      [0, 0],
      [1, 2],
      [0, 0],
    ];
    const yw = Tensor.empty([2, 6, 2], 'float32', reference());
    const yr = Tensor.empty([2, 6, 2], 'float32', reference());
    wasm().pad(x, pads, 'constant', 7, yw);
    reference().pad(x, pads, 'constant', 7, yr);
    expectSame(yw, yr, 'foreign pad');
  });

  it("copies the ResNet shortcut's channel padding as one run per image", () => {
    const runs: [number, number, number][] = [];
    forEachRun(
      [2, 3, 4, 4],
      [
        [0, 0],
        [0, 5],
        [0, 0],
        [0, 0],
      ],
      (x, o, n) => runs.push([x, o, n]),
    );
    expect(runs).toEqual([
      [0, 0, 48],
      [48, 128, 48],
    ]);
  });
});
