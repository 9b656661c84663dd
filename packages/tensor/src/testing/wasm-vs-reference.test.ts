import { describe, expect, it } from 'vitest';
import { normwiseError, tolerance } from './wasm-vs-reference.js';

describe('the wasm-versus-reference comparison', () => {
  it('measures the largest difference relative to the largest expected value', () => {
    expect(normwiseError([1, 2, 4], [1, 2, 4])).toBe(0);
    expect(normwiseError([1, 2.5, 4], [1, 2, 4])).toBeCloseTo(0.125, 12);
    expect(normwiseError([1, 2.5, 4], [1, 2, 4], 10)).toBeCloseTo(0.05, 12);
  });

  it('fails on NaN or infinities in different places, and on a length mismatch', () => {
    expect(normwiseError([NaN, 1], [NaN, 1])).toBe(0);
    expect(normwiseError([Infinity, 1], [Infinity, 1])).toBe(0);
    expect(normwiseError([0, 1], [NaN, 1])).toBe(Infinity);
    expect(normwiseError([NaN, 1], [0, 1])).toBe(Infinity);
    expect(normwiseError([-Infinity], [Infinity])).toBe(Infinity);
    expect(normwiseError([1, 2], [1])).toBe(Infinity);
  });

  it('scales the tolerance with the square root of the reduction length', () => {
    expect(tolerance(1)).toBe(1e-5);
    expect(tolerance(100)).toBeCloseTo(1e-4, 15);
    expect(tolerance(0)).toBe(1e-5);
  });
});
