import { Rng, Tensor } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import {
  constant,
  kaimingNormal,
  kaimingUniform,
  torchDefault,
  uniformUnit,
  xavierNormal,
  xavierUniform,
} from './initializers.js';

function stats(t: Tensor): { std: number; maxAbs: number; mean: number } {
  const d = t.data;
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (const v of d) {
    s += v;
    s2 += v * v;
    m = Math.max(m, Math.abs(v));
  }
  return { mean: s / d.length, std: Math.sqrt(s2 / d.length - (s / d.length) ** 2), maxAbs: m };
}

const fans = { fanIn: 72, fanOut: 144 };
const big = () => Tensor.empty([20000]);

describe('initialisers', () => {
  it('torchDefault is uniform in ±1/√fanIn', () => {
    const t = big();
    torchDefault(t, fans, new Rng(1));
    const s = stats(t);
    expect(s.maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(72));
    expect(s.std).toBeCloseTo(1 / Math.sqrt(72) / Math.sqrt(3), 3);
  });

  it('kaimingNormal and kaimingUniform have std √2/√fanIn (He et al.)', () => {
    for (const f of [kaimingNormal, kaimingUniform]) {
      const t = big();
      f(t, fans, new Rng(2));
      const s = stats(t);
      expect(Math.abs(s.mean)).toBeLessThan(0.005);
      expect(s.std / Math.sqrt(2 / 72)).toBeGreaterThan(0.98);
      expect(s.std / Math.sqrt(2 / 72)).toBeLessThan(1.02);
    }
    const u = big();
    kaimingUniform(u, fans, new Rng(2));
    expect(stats(u).maxAbs).toBeLessThanOrEqual(Math.sqrt(2) * Math.sqrt(3 / 72));
  });

  it('xavier initialisers have variance 2/(fanIn+fanOut)', () => {
    for (const f of [xavierNormal, xavierUniform]) {
      const t = big();
      f(t, fans, new Rng(3));
      expect(stats(t).std / Math.sqrt(2 / 216)).toBeGreaterThan(0.98);
      expect(stats(t).std / Math.sqrt(2 / 216)).toBeLessThan(1.02);
    }
  });

  it('constant fills every element; uniformUnit is the batch-norm default', () => {
    const t = Tensor.empty([5]);
    constant(0)(t, fans, new Rng(1));
    expect(Array.from(t.data)).toEqual([0, 0, 0, 0, 0]);
    constant(1)(t, fans, new Rng(1));
    expect(Array.from(t.data)).toEqual([1, 1, 1, 1, 1]);
    constant(-2.5)(t, fans, new Rng(1));
    expect(Array.from(t.data)).toEqual([-2.5, -2.5, -2.5, -2.5, -2.5]);
    const u = big();
    uniformUnit(u, fans, new Rng(1));
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(0);
    // The mean of n uniform [0, 1) draws has standard deviation 1/√(12n); allow 5 of them.
    expect(Math.abs(stats(u).mean - 0.5)).toBeLessThan(5 / Math.sqrt(12 * u.size));
  });

  it('is reproducible: same seed, same numbers', () => {
    const a = big();
    const b = big();
    kaimingNormal(a, fans, new Rng(7));
    kaimingNormal(b, fans, new Rng(7));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});
