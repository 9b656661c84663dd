import { describe, expect, it } from 'vitest';
import { MultiStepSchedule } from './multistep.js';
import { WarmupSchedule } from './warmup.js';

describe('warmup schedule', () => {
  it('warmup: a linear ramp every iteration, multiplying the inner schedule', () => {
    const s = new WarmupSchedule(
      { epochs: 2, startFactor: 0.2 },
      new MultiStepSchedule({ milestones: [1], gamma: 0.5 }),
    );
    expect(s.factor(0)).toBeCloseTo(0.2, 15);
    expect(s.factor(0.5)).toBeCloseTo(0.4, 15);
    expect(s.factor(1)).toBeCloseTo(0.6 * 0.5, 15);
    expect(s.factor(1.5)).toBeCloseTo(0.8 * 0.5, 15);
    expect(s.factor(2)).toBeCloseTo(0.5, 15);
    expect(s.factor(7)).toBeCloseTo(0.5, 15);
  });
});
