import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '../../backend.js';
import { Rng } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import {
  clonePair,
  expectAgree,
  filledPair,
  RUNS,
  randomPair,
  reference,
  wasm,
} from '../../testing/wasm-vs-reference.js';
import { broadcastPattern, float32Threshold } from './elementwise.js';

const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'tanh', 'sigmoid', 'square', 'sign'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow'];

const shape = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 4 });
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Random values with a few special ones mixed in (zeros of both signs, NaN, ±Infinity). */
function specialPair(shape: readonly number[], rng: Rng): [Tensor, Tensor] {
  const [w, r] = randomPair(shape, rng, -3, 3);
  const specials = [0, -0, NaN, Infinity, -Infinity, 1, -1];
  for (let i = 0; i < w.size; i += 5) w.data[i] = r.data[i] = specials[rng.int(specials.length)];
  return [w, r];
}

describe('wasm elementwise kernels', () => {
  it('unary ops match the reference, special values included', () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNARY), shape, seed, (op, s, sd) => {
        const [xw, xr] = specialPair(s, new Rng(sd));
        const [yw, yr] = filledPair(s, NaN);
        wasm().unary(op, xw, yw);
        reference().unary(op, xr, yr);
        expectAgree(yw, yr, 1, `unary ${op}`);
      }),
      RUNS,
    );
  });

  it('unary ops work in place', () => {
    const [xw, xr] = randomPair([3, 5], new Rng(1));
    wasm().unary('tanh', xw, xw);
    reference().unary('tanh', xr, xr);
    expectAgree(xw, xr, 1, 'tanh in place');
  });

  it('binary ops on same-shape tensors match the reference', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BINARY), shape, seed, (op, s, sd) => {
        const rng = new Rng(sd);
        const [aw, ar] = specialPair(s, rng);
        const [bw, br] = specialPair(s, rng);
        const [yw, yr] = filledPair(s, NaN);
        wasm().binary(op, aw, bw, yw);
        reference().binary(op, ar, br, yr);
        expectAgree(yw, yr, 1, `binary ${op}`);
      }),
      RUNS,
    );
  });

  it('binary ops with a number on either side match the reference', () => {
    // The wasm backend computes in float32, so a number operand is a float32 (fc.float).
    fc.assert(
      fc.property(
        fc.constantFrom(...BINARY),
        shape,
        fc.float({ min: -4, max: 4, noNaN: true }),
        fc.boolean(),
        seed,
        (op, s, v, left, sd) => {
          const [aw, ar] = specialPair(s, new Rng(sd));
          const [yw, yr] = filledPair(s, NaN);
          if (left) {
            wasm().binary(op, v, aw, yw);
            reference().binary(op, v, ar, yr);
          } else {
            wasm().binary(op, aw, v, yw);
            reference().binary(op, ar, v, yr);
          }
          expectAgree(yw, yr, 1, `binary ${op} with number ${v} on the ${left ? 'left' : 'right'}`);
        },
      ),
      RUNS,
    );
  });

  it('binary ops broadcasting a contiguous run of axes (per-channel, trailing, leading) match the reference', () => {
    // [outer..., run..., inner...] with the small operand shaped [run..., 1...] or [1..., run..., 1...].
    const broadcastCase = fc.record({
      outer: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
      run: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 2 }),
      inner: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
      leadingOnes: fc.boolean(),
      smallLeft: fc.boolean(),
      op: fc.constantFrom(...BINARY),
      seed,
    });
    fc.assert(
      fc.property(broadcastCase, (c) => {
        const out = [...c.outer, ...c.run, ...c.inner];
        const small = [...(c.leadingOnes ? c.outer.map(() => 1) : []), ...c.run, ...c.inner.map(() => 1)];
        const rng = new Rng(c.seed);
        const [fw, fr] = specialPair(out, rng);
        const [sw, sr] = specialPair(small, rng);
        const [yw, yr] = filledPair(out, NaN);
        const [aw, bw, ar, br] = c.smallLeft ? [sw, fw, sr, fr] : [fw, sw, fr, sr];
        wasm().binary(c.op, aw, bw, yw);
        reference().binary(c.op, ar, br, yr);
        expectAgree(yw, yr, 1, `binary ${c.op} [${aw.shape}] with [${bw.shape}]`);
      }),
      RUNS,
    );
  });

  it('general broadcasts ([N,1] with [1,M]) fall back to the reference loops and still match', () => {
    const rng = new Rng(3);
    const [aw, ar] = randomPair([5, 1], rng);
    const [bw, br] = randomPair([1, 6], rng);
    const [yw, yr] = filledPair([5, 6], NaN);
    wasm().binary('mul', aw, bw, yw);
    reference().binary('mul', ar, br, yr);
    expectAgree(yw, yr, 1, 'outer product by broadcasting');
  });

  it('recognises which broadcasts are one contiguous run', () => {
    expect(broadcastPattern([3, 1, 1], [2, 3, 4, 5])).toEqual([2, 3, 20]);
    expect(broadcastPattern([5], [2, 3, 5])).toEqual([6, 5, 1]);
    expect(broadcastPattern([1, 1], [4, 4])).toEqual([1, 1, 16]);
    expect(broadcastPattern([2, 1, 5], [2, 3, 5])).toBeNull();
    expect(broadcastPattern([3, 1], [2, 4, 1])).toBeNull();
  });

  it('a double threshold splits float32 values exactly as the double comparison does', () => {
    for (const th of [0.1, -0.1, 5e-324, -5e-324, 1e-46, 3.5, 1e39, -1e39, 0, -0]) {
      const t = float32Threshold(th);
      expect(Math.fround(t)).toBe(t);
      for (const x of [
        t,
        Math.fround(th),
        Math.fround(th * (1 + 1e-7)),
        Math.fround(th * (1 - 1e-7)),
        0,
        -0,
        1.401298464324817e-45,
        -1.401298464324817e-45,
      ]) {
        expect(x > t).toBe(x > th);
      }
    }
  });

  it('threshold and its backward match the reference', () => {
    fc.assert(
      fc.property(
        shape,
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        seed,
        (s, th, value, sd) => {
          const rng = new Rng(sd);
          const [xw, xr] = specialPair(s, rng);
          const [gw, gr] = randomPair(s, rng);
          const [yw, yr] = filledPair(s, NaN);
          wasm().threshold(xw, th, value, yw);
          reference().threshold(xr, th, value, yr);
          expectAgree(yw, yr, 1, `threshold ${th} ${value}`);
          wasm().thresholdBackward(xw, gw, th, gw); // in place on dy
          reference().thresholdBackward(xr, gr, th, gr);
          expectAgree(gw, gr, 1, `thresholdBackward ${th}`);
        },
      ),
      RUNS,
    );
  });

  it('axpby matches the reference, and beta = 0 ignores NaN in out', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(1, -0.5, 3), fc.constantFrom(0, 1, 0.9), seed, (s, alpha, beta, sd) => {
        const rng = new Rng(sd);
        const [xw, xr] = randomPair(s, rng);
        const [ow, or] = beta === 0 ? filledPair(s, NaN) : clonePair(randomPair(s, rng));
        // beta·out + alpha·x can cancel: measure the error against the size of the terms.
        let terms = 0;
        for (let i = 0; i < xr.size; i++)
          terms = Math.max(terms, Math.abs(alpha * xr.data[i]) + (beta === 0 ? 0 : Math.abs(beta * or.data[i])));
        wasm().axpby(alpha, xw, beta, ow);
        reference().axpby(alpha, xr, beta, or);
        expectAgree(ow, or, 2, `axpby ${alpha} ${beta}`, terms);
      }),
      RUNS,
    );
  });

  it('fill and copy write every element', () => {
    for (const n of [0, 1, 3, 4, 17]) {
      const [yw] = filledPair([n], NaN);
      wasm().fill(yw, 2.5);
      expect(Array.from(yw.data)).toEqual(new Array(n).fill(2.5));
      const [xw] = randomPair([n], new Rng(n));
      wasm().copy(xw, yw);
      expect(Array.from(yw.data)).toEqual(Array.from(xw.data));
    }
  });
});
