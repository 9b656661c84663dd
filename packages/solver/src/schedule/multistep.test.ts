import { describe, expect, it } from 'vitest';
import { MultiStepSchedule } from './multistep.js';

describe('multistep schedule', () => {
  it('multistep: the ResNet recipe, ×0.1 at epochs 80 and 120', () => {
    const s = new MultiStepSchedule({ milestones: [80, 120], gamma: 0.1 });
    expect(s.factor(0)).toBe(1);
    expect(s.factor(79.99)).toBe(1);
    expect(s.factor(80)).toBeCloseTo(0.1, 15);
    expect(s.factor(119.5)).toBeCloseTo(0.1, 15);
    expect(s.factor(120)).toBeCloseTo(0.01, 15);
    expect(s.factor(159)).toBeCloseTo(0.01, 15);
  });
});
