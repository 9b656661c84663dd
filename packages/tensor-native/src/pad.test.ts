import { describe, expect, it } from 'vitest';
import type { PadMode } from '../../tensor/src/backend.js';
import { setThreads } from '../../tensor/src/backends/wasm/threads/settings.js';
import { backendByName } from '../../tensor/src/engine.js';
import { Rng } from '../../tensor/src/random.js';
import type { Tensor } from '../../tensor/src/tensor.js';
import { bits } from '../../tensor/src/testing/threads.js';
import { filledPair, wasm as native, randomPair, reference } from '../../tensor/src/testing/wasm-vs-reference.js';
import { skipReason } from './testing/tensor-sources.js';

/**
 * The native constant padding and fill beyond @funt/tensor's pad and elementwise suites (which
 * vitest.config.ts runs on it, small shapes): the ResNet shortcut's channel padding over many
 * tasks, padding along the first and last axes, NaN and infinities copied as they are, bits that
 * do not depend on the thread count, and the modes handed to wasm.
 */

type Pads = [number, number][];

/** Padding moves values: the native backend must equal the reference exactly. */
function expectSame(actual: Tensor, expected: Tensor, what: string): void {
  expect(Buffer.from(bits([actual])[0]).equals(Buffer.from(bits([expected])[0])), what).toBe(true);
}

/** pad and padBackward of a random x (with NaN and ±Infinity), native against the reference; returns native's outputs. */
function check(shape: number[], pads: Pads, mode: PadMode, value: number, seed: number): Tensor[] {
  const outShape = shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const rng = new Rng(seed);
  const [xw, xr] = randomPair(shape, rng);
  for (const [i, v] of [NaN, Infinity, -Infinity].entries()) {
    xw.data[i * 7] = v;
    xr.data[i * 7] = v;
  }
  const [yw, yr] = filledPair(outShape, NaN);
  native().pad(xw, pads, mode, value, yw);
  reference().pad(xr, pads, mode, value, yr);
  const what = `${JSON.stringify(shape)} ${JSON.stringify(pads)} ${mode}`;
  expectSame(yw, yr, `pad ${what}`);
  const [dyw, dyr] = randomPair(outShape, rng);
  const [dxw, dxr] = filledPair(shape, NaN);
  native().padBackward(dyw, pads, mode, dxw);
  reference().padBackward(dyr, pads, mode, dxr);
  expectSame(dxw, dxr, `padBackward ${what}`);
  return [yw, dxw];
}

const none: [number, number] = [0, 0];

/** Every case: the shortcut (many tasks of whole images), the first and last axes, all axes at once. */
function checkAll(seed: number): Tensor[] {
  return [
    ...check([64, 16, 16, 16], [none, [8, 8], none, none], 'zero', 0, seed),
    ...check([5, 3, 40, 41], [[2, 1], none, none, [3, 0]], 'constant', -2.5, seed + 1),
    ...check(
      [3, 2, 9, 7],
      [
        [1, 0],
        [2, 1],
        [0, 3],
        [1, 1],
      ],
      'constant',
      0.75,
      seed + 2,
    ),
    ...check([70000], [[5, 9]], 'constant', 1.5, seed + 3),
    ...check([2, 100000], [none, none], 'zero', 0, seed + 4),
  ];
}

describe.skipIf(skipReason !== null)('native constant padding and fill', () => {
  it('replace the wasm kernels', () => {
    const wasm = backendByName('wasm');
    expect(native().pad).not.toBe(wasm.pad);
    expect(native().padBackward).not.toBe(wasm.padBackward);
    expect(native().fill).not.toBe(wasm.fill);
  });

  it('copy x and write the padding value exactly as the reference, over many tasks', () => {
    checkAll(1);
  });

  it('give the same bits with 1 and 2 threads', () => {
    setThreads(1);
    const one = bits(checkAll(2));
    setThreads(2);
    const two = bits(checkAll(2));
    expect(two.length).toBe(one.length);
    one.forEach((b, i) => expect(Buffer.from(two[i]).equals(Buffer.from(b)), `output ${i}`).toBe(true));
  });

  it('fill every element of several chunks with a tail, the value rounded to float32', () => {
    for (const threads of [1, 2]) {
      setThreads(threads);
      const [y] = filledPair([3, 65536 + 5], NaN);
      native().fill(y, 0.1);
      expect(y.data.every((v) => v === Math.fround(0.1))).toBe(true);
      native().fill(y, -Infinity);
      expect(y.data.every((v) => v === -Infinity)).toBe(true);
    }
  });

  it('hand reflect and replicate padding to the wasm backend', () => {
    for (const mode of ['reflect', 'replicate'] as PadMode[])
      check([2, 3, 5, 6], [none, none, [1, 2], [2, 1]], mode, 0, 7);
  });
});
