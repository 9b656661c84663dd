import { describe, expect, it } from 'vitest';
import type { BinaryOp } from '../../tensor/src/backend.js';
import { setThreads } from '../../tensor/src/backends/wasm/threads/settings.js';
import { backendByName } from '../../tensor/src/engine.js';
import { Rng } from '../../tensor/src/random.js';
import { Tensor } from '../../tensor/src/tensor.js';
import { bits } from '../../tensor/src/testing/threads.js';
import {
  clonePair,
  expectAgree,
  filledPair,
  wasm as native,
  randomPair,
  reference,
} from '../../tensor/src/testing/wasm-vs-reference.js';
import { skipReason } from './testing/tensor-sources.js';

/**
 * The native elementwise kernels beyond @funt/tensor's elementwise suites (which
 * vitest.config.ts runs on it, small sizes): arrays of several chunks with a tail, NaN and
 * infinities, bits that do not depend on the thread count, and the calls handed to wasm.
 */

// Three chunks of the thread pool (16,384 floats each) and a tail of 5.
const shape = [3, 7, 2341];

/** A random pair with NaN, ±Infinity and ±0 sprinkled in. */
function specialPair(rng: Rng): [Tensor, Tensor] {
  const pair = randomPair(shape, rng, -2, 2);
  const specials = [NaN, Infinity, -Infinity, 0, -0];
  for (let k = 0; k < 40; k++) {
    const i = rng.int(pair[0].size);
    const v = specials[k % specials.length];
    pair[0].data[i] = v;
    pair[1].data[i] = v;
  }
  return pair;
}

/** Every native elementwise kernel against the reference; returns the native outputs. */
function checkAll(seed: number): Tensor[] {
  const rng = new Rng(seed);
  const [aw, ar] = specialPair(rng);
  const [bw, br] = specialPair(rng);
  const outputs: Tensor[] = [];
  for (const op of ['add', 'sub', 'mul', 'div'] as BinaryOp[]) {
    for (const relu of [false, true]) {
      const operands: [Tensor | number, Tensor | number, Tensor | number, Tensor | number, string][] = [
        [aw, bw, ar, br, 'tensors'],
        [aw, 0.3, ar, 0.3, 'tensor, number'],
        [-1.7, bw, -1.7, br, 'number, tensor'],
      ];
      for (const [a, b, a2, b2, kind] of operands) {
        const [yw, yr] = filledPair(shape, NaN);
        native().binary(op, a, b, yw, relu);
        reference().binary(op, a2, b2, yr, relu);
        expectAgree(yw, yr, 1, `binary ${op} of ${kind}, relu ${relu}`);
        outputs.push(yw);
      }
    }
  }
  // In place on a (the residual join writes into its input).
  const [iw, ir] = clonePair([aw, ar]);
  native().binary('add', iw, bw, iw, true);
  reference().binary('add', ir, br, ir, true);
  expectAgree(iw, ir, 1, 'binary add + relu in place');
  const [gw, gr] = filledPair(shape, NaN);
  native().thresholdBackward(aw, bw, 0.1, gw);
  reference().thresholdBackward(ar, br, 0.1, gr);
  expectAgree(gw, gr, 1, 'thresholdBackward');
  const [ow, or] = clonePair([bw, br]);
  native().axpby(0.5, aw, -1.5, ow);
  reference().axpby(0.5, ar, -1.5, or);
  expectAgree(ow, or, 1, 'axpby');
  const [zw, zr] = filledPair(shape, NaN);
  native().axpby(0.5, aw, 0, zw);
  reference().axpby(0.5, ar, 0, zr);
  expectAgree(zw, zr, 1, 'axpby with beta = 0 (out not read)');
  outputs.push(iw, gw, ow, zw);
  return outputs;
}

describe.skipIf(skipReason !== null)('native elementwise kernels', () => {
  it('replace the wasm kernels', () => {
    const wasm = backendByName('wasm');
    expect(native().binary).not.toBe(wasm.binary);
    expect(native().thresholdBackward).not.toBe(wasm.thresholdBackward);
    expect(native().axpby).not.toBe(wasm.axpby);
  });

  it('match the reference over several chunks with a tail, NaN and infinities included', () => {
    checkAll(1);
  });

  it('give the same bits as the wasm kernels (each operation rounded once, no fused multiply-add)', () => {
    const wasm = backendByName('wasm');
    const rng = new Rng(4);
    const [a] = specialPair(rng);
    const [b] = specialPair(rng);
    const [out] = specialPair(rng);
    const same = (what: string, run: (backend: typeof wasm, y: Tensor) => void, start: Tensor | null = null) => {
      const [yw, yn] = [Tensor.empty(shape, 'float32', wasm), Tensor.empty(shape, 'float32', wasm)];
      if (start) {
        yw.data.set(start.data);
        yn.data.set(start.data);
      }
      run(wasm, yw);
      run(native(), yn);
      expect(Buffer.from(bits([yn])[0]).equals(Buffer.from(bits([yw])[0])), what).toBe(true);
    };
    for (const op of ['add', 'sub', 'mul', 'div'] as BinaryOp[]) {
      same(`${op} + relu`, (k, y) => k.binary(op, a, b, y, true));
      same(`${op} with a number`, (k, y) => k.binary(op, 0.3, b, y));
    }
    same('thresholdBackward', (k, y) => k.thresholdBackward(a, b, 0.1, y));
    same('axpby', (k, y) => k.axpby(-1000, a, 0.9, y), out);
  });

  it('give the same bits with 1 and 2 threads', () => {
    setThreads(1);
    const one = bits(checkAll(2));
    setThreads(2);
    const two = bits(checkAll(2));
    expect(two.length).toBe(one.length);
    one.forEach((b, i) => expect(Buffer.from(two[i]).equals(Buffer.from(b)), `output ${i}`).toBe(true));
  });

  it('hand other ops, broadcasts and float64 operands to the wasm backend', () => {
    const rng = new Rng(3);
    const [aw, ar] = randomPair([4, 6, 5], rng);
    const [cw, cr] = randomPair([6, 1], rng);
    for (const [op, b, b2] of [
      ['max', aw, ar],
      ['pow', 2, 2],
      ['add', cw, cr],
      ['mul', cw, cr],
    ] as [BinaryOp, Tensor | number, Tensor | number][]) {
      const [yw, yr] = filledPair(aw.shape, NaN);
      native().binary(op, aw, b, yw);
      reference().binary(op, ar, b2, yr);
      expectAgree(yw, yr, 1, `binary ${op}`);
    }
    const x64 = Tensor.empty([9], 'float64', reference());
    rng.fillUniform(x64.data, -1, 1);
    const o64 = Tensor.empty([9], 'float64', reference());
    o64.data.fill(1);
    native().axpby(2, x64, 0.5, o64);
    o64.data.forEach((v, i) => expect(v).toBeCloseTo(0.5 + 2 * x64.data[i], 6));
  });
});
