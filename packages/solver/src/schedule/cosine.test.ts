import { describe, expect, it } from 'vitest';
import { CosineSchedule } from './cosine.js';

describe('cosine schedule', () => {
  it('cosine: from 1 down to minFactor over `epochs`, then flat', () => {
    const s = new CosineSchedule({ epochs: 10, minFactor: 0.1 });
    expect(s.factor(0)).toBeCloseTo(1, 15);
    expect(s.factor(5)).toBeCloseTo(0.55, 15);
    expect(s.factor(2.5)).toBeCloseTo(0.1 + (0.9 * (1 + Math.SQRT1_2)) / 2, 15);
    expect(s.factor(10)).toBeCloseTo(0.1, 15);
    expect(s.factor(20)).toBeCloseTo(0.1, 15);
    expect(() => new CosineSchedule({} as never)).toThrow(/option 'epochs' .* is required/);
  });
});
