import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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

/** Runs one product on both backends and compares (out starts as NaN when beta = 0, so it must not be read). */
function check(
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  alpha: number,
  beta: number,
  seed: number,
): void {
  const rng = new Rng(seed);
  const [aw, ar] = randomPair(transA ? [K, M] : [M, K], rng);
  const [bw, br] = randomPair(transB ? [N, K] : [K, N], rng);
  const [cw, cr] = beta === 0 ? filledPair([M, N], NaN) : randomPair([M, N], rng);
  const options = { transA, transB, alpha, beta };
  // Σ|terms| = |alpha|·|a||b| + |beta|·|c|, for outputs that cancel (one row, one column).
  const terms = beta === 0 ? filledPair([M, N], 0)[1] : absolute(cr);
  reference().matmul(absolute(ar), absolute(br), terms, {
    transA,
    transB,
    alpha: Math.abs(alpha),
    beta: Math.abs(beta),
  });
  wasm().matmul(aw, bw, cw, options);
  reference().matmul(ar, br, cr, options);
  expectAgree(
    cw,
    cr,
    K,
    `matmul ${M}x${N}x${K} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}`,
    termScale(cr, terms, K),
  );
}

describe('wasm matmul', () => {
  it('matches the reference for random sizes, transpositions, alpha and beta', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 1, max: 41 }),
        fc.integer({ min: 1, max: 45 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1, 0.5, -2),
        fc.constantFrom(0, 1, 0.25),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (M, N, K, transA, transB, alpha, beta, seed) => check(M, N, K, transA, transB, alpha, beta, seed),
      ),
      RUNS,
    );
  });

  it('handles sizes that cross every cache block (MC = 128 rows, KC = 256 deep) in all four transpositions', () => {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      check(133, 77, 263, transA, transB, 1, 0, 11);
    }
    check(131, 9, 520, false, false, 0.5, 1, 12);
  });

  it('handles a single row, a single column and an inner size of 1', () => {
    check(1, 1, 1, false, false, 1, 0, 1);
    check(1, 19, 5, true, false, 1, 0, 2);
    check(23, 1, 7, false, true, 1, 0, 3);
    check(9, 10, 1, true, true, 2, 0.5, 4);
  });

  it('with K = 0 writes beta·out (and zeros when beta = 0)', () => {
    const rng = new Rng(5);
    const [aw] = randomPair([3, 0], rng);
    const [bw] = randomPair([0, 4], rng);
    const [cw] = filledPair([3, 4], NaN);
    wasm().matmul(aw, bw, cw, { transA: false, transB: false, alpha: 1, beta: 0 });
    expect(Array.from(cw.data)).toEqual(new Array(12).fill(0));
    cw.data.fill(2);
    wasm().matmul(aw, bw, cw, { transA: false, transB: false, alpha: 1, beta: 0.5 });
    expect(Array.from(cw.data)).toEqual(new Array(12).fill(1));
  });

  it('accepts operands from the reference backend and writes a reference output', () => {
    const rng = new Rng(6);
    const [, ar] = randomPair([5, 6], rng);
    const [, br] = randomPair([6, 7], rng);
    const [, expected] = filledPair([5, 7], 0);
    const [, out] = filledPair([5, 7], 0);
    reference().matmul(ar, br, expected, { transA: false, transB: false, alpha: 1, beta: 0 });
    wasm().matmul(ar, br, out, { transA: false, transB: false, alpha: 1, beta: 0 });
    expectAgree(out, expected, 6, 'matmul on reference tensors');
  });
});
