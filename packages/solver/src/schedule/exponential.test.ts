import { describe, expect, it } from 'vitest';
import { ExponentialSchedule } from './exponential.js';

describe('exponential schedule', () => {
  it('exponential: decay^epoch, changing only at epoch boundaries', () => {
    const s = new ExponentialSchedule({ decay: 0.5 });
    expect([0, 0.99, 1, 2.5, 3].map((e) => s.factor(e))).toEqual([1, 1, 0.5, 0.25, 0.125]);
  });
});
