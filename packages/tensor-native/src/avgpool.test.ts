import { describe, expect, it } from 'vitest';
import type { Pool2dParams } from '../../tensor/src/backend.js';
import { setThreads } from '../../tensor/src/backends/wasm/threads/settings.js';
import { backendByName } from '../../tensor/src/engine.js';
import { Rng } from '../../tensor/src/random.js';
import type { Tensor } from '../../tensor/src/tensor.js';
import { bits } from '../../tensor/src/testing/threads.js';
import {
  expectAgree,
  filledPair,
  wasm as native,
  randomPair,
  reference,
} from '../../tensor/src/testing/wasm-vs-reference.js';
import { skipReason } from './testing/tensor-sources.js';

/**
 * The native average pooling (windows inside the input) beyond @funt/tensor's pooling suite
 * (which vitest.config.ts runs on it): global pooling, the shortcut's 2 × 2 stride-2 windows in
 * vectors with a tail (and their order of summing), overlapping windows, a NaN, blocks of
 * planes on several threads, and the geometries handed to wasm.
 */

const pool = (k: number, s: number, pad = 0): Pool2dParams => ({
  kernelH: k,
  kernelW: k,
  strideH: s,
  strideW: s,
  padH: pad,
  padW: pad,
  ceilMode: false,
  countIncludePad: true,
});

/** Forward and backward on the native backend and the reference, compared; returns the native outputs. */
function check(x: [Tensor, Tensor], outShape: number[], p: Pool2dParams, what: string): Tensor[] {
  const [yw, yr] = filledPair(outShape, NaN);
  native().avgPool2d(x[0], yw, p);
  reference().avgPool2d(x[1], yr, p);
  expectAgree(yw, yr, p.kernelH * p.kernelW, `avgPool2d ${what}`);
  const [dyw, dyr] = randomPair(outShape, new Rng(9));
  const [dxw, dxr] = filledPair(x[0].shape, NaN);
  native().avgPool2dBackward(dyw, dxw, p);
  reference().avgPool2dBackward(dyr, dxr, p);
  expectAgree(dxw, dxr, 4, `avgPool2dBackward ${what}`);
  return [yw, dxw];
}

describe.skipIf(skipReason !== null)('native average pooling', () => {
  it('replaces the wasm kernel', () => {
    expect(native().avgPool2d).not.toBe(backendByName('wasm').avgPool2d);
  });

  it('matches the reference: global pooling, overlapping windows, unused last rows, a NaN', () => {
    const rng = new Rng(1);
    check(randomPair([3, 5, 8, 8], rng), [3, 5, 1, 1], pool(8, 8), 'global 8 × 8');
    check(randomPair([2, 3, 9, 11], rng), [2, 3, 4, 5], pool(3, 2), '3 × 3 stride 2');
    check(randomPair([2, 2, 7, 7], rng), [2, 2, 3, 3], pool(2, 2), '2 × 2 on 7 × 7');
    check(
      randomPair([2, 3, 35, 39], rng),
      [2, 3, 17, 19],
      pool(2, 2),
      '2 × 2 stride 2: vectors, a tail, an unused row and column',
    );
    check(randomPair([2, 3, 5, 7], rng), [2, 3, 1, 1], { ...pool(5, 1), kernelW: 7 }, 'global 5 × 7');
    const x = randomPair([1, 2, 4, 4], rng);
    x[0].data[5] = NaN;
    x[1].data[5] = NaN;
    const [y] = check(x, [1, 2, 2, 2], pool(2, 2), 'with a NaN');
    expect(Array.from(y.data, Number.isNaN)).toEqual([true, false, false, false, false, false, false, false]);
  });

  it('sums each 2 × 2 window in the order of its rows, x00 + x01 + x10 + x11, as float32', () => {
    const [H, W] = [6, 37];
    const [x] = randomPair([2, 1, H, W], new Rng(4));
    const [Ho, Wo] = [H >> 1, W >> 1];
    const [y] = filledPair([2, 1, Ho, Wo], NaN);
    native().avgPool2d(x, y, pool(2, 2));
    const f = Math.fround;
    const at = (p: number, h: number, w: number) => x.data[(p * H + h) * W + w];
    for (let p = 0; p < 2; p++) {
      for (let oh = 0; oh < Ho; oh++) {
        for (let ow = 0; ow < Wo; ow++) {
          const [h, w] = [2 * oh, 2 * ow];
          const sum = f(f(f(at(p, h, w) + at(p, h, w + 1)) + at(p, h + 1, w)) + at(p, h + 1, w + 1));
          expect(y.data[(p * Ho + oh) * Wo + ow], `plane ${p} output (${oh}, ${ow})`).toBe(f(sum * 0.25));
        }
      }
    }
  });

  it('gives the same bits with 1 and 2 threads', () => {
    const run = () => bits(check(randomPair([10, 13, 8, 8], new Rng(2)), [10, 13, 1, 1], pool(8, 8), 'threads'));
    setThreads(1);
    const one = run();
    setThreads(2);
    const two = run();
    one.forEach((b, i) => expect(Buffer.from(two[i]).equals(Buffer.from(b)), `output ${i}`).toBe(true));
  });

  it('hands padded windows and windows leaving the input to the wasm backend', () => {
    const rng = new Rng(3);
    check(randomPair([2, 3, 6, 6], rng), [2, 3, 3, 3], pool(3, 2, 1), 'padded');
    check(randomPair([2, 3, 7, 7], rng), [2, 3, 4, 4], { ...pool(2, 2), ceilMode: true }, 'ceil mode');
  });
});
