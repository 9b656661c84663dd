import { describe, expect, it } from 'vitest';
import { ConstantSchedule } from './constant.js';

describe('constant schedule', () => {
  it('constant: 1 throughout', () => {
    expect([0, 5.5, 100].map((e) => new ConstantSchedule().factor(e))).toEqual([1, 1, 1]);
  });
});
