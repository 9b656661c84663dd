import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symmetricEigen3 } from './eigen3.js';

const entry = fc.double({ min: -100, max: 100, noNaN: true });

describe('symmetricEigen3', () => {
  it('A·v = λ·v with orthonormal vectors and sorted values (property)', () => {
    fc.assert(
      fc.property(fc.tuple(entry, entry, entry, entry, entry, entry), ([a, b, c, d, e, f]) => {
        const m = [a, b, c, b, d, e, c, e, f];
        const { values, vectors } = symmetricEigen3(m);
        const scale = Math.max(1, ...m.map(Math.abs));
        expect(values[0]).toBeGreaterThanOrEqual(values[1]);
        expect(values[1]).toBeGreaterThanOrEqual(values[2]);
        for (let i = 0; i < 3; i++) {
          const v = vectors[i];
          for (let r = 0; r < 3; r++) {
            const av = m[r * 3] * v[0] + m[r * 3 + 1] * v[1] + m[r * 3 + 2] * v[2];
            expect(Math.abs(av - values[i] * v[r])).toBeLessThan(1e-9 * scale);
          }
          for (let j = 0; j < 3; j++) {
            const dot = v[0] * vectors[j][0] + v[1] * vectors[j][1] + v[2] * vectors[j][2];
            expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-12);
          }
        }
        // The trace is the sum of the eigenvalues.
        expect(Math.abs(values[0] + values[1] + values[2] - (a + d + f))).toBeLessThan(1e-9 * scale);
      }),
    );
  });

  it('solves a known matrix', () => {
    const { values } = symmetricEigen3([2, 1, 0, 1, 2, 0, 0, 0, 5]);
    expect(values[0]).toBeCloseTo(5, 12);
    expect(values[1]).toBeCloseTo(3, 12);
    expect(values[2]).toBeCloseTo(1, 12);
  });

  it('rejects non-symmetric, non-finite or wrongly sized input', () => {
    expect(() => symmetricEigen3([1, 2, 3, 4, 5, 6, 7, 8, 9])).toThrow(
      /not symmetric \(a\[0\]\[1\] = 2, a\[1\]\[0\] = 4\)/,
    );
    expect(() => symmetricEigen3([1, 2, 3])).toThrow(/expected 9 values \(a 3×3 matrix\), got 3/);
    expect(() => symmetricEigen3([Number.NaN, 0, 0, 0, 1, 0, 0, 0, 1])).toThrow(/entry 0 is NaN/);
  });
});
