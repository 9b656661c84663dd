import { describe, expect, it } from 'vitest';
import { LambdaSchedule } from './lambda.js';

describe('lambda schedule', () => {
  it('lambda: a user function of the whole epoch', () => {
    const s = new LambdaSchedule((e) => 1 / (1 + e));
    expect([0, 0.5, 1, 3.2].map((e) => s.factor(e))).toEqual([1, 1, 0.5, 0.25]);
    expect(() => new LambdaSchedule((e) => (e > 1 ? NaN : 1)).factor(2)).toThrow(/returned NaN for epoch 2/);
    expect(() => new LambdaSchedule(3 as never)).toThrow(/expected a function of the epoch/);
  });
});
