import { createSchedule } from '@funt/solver';
import { describe, expect, it } from 'vitest';
import { parseSchedule, scheduleToString, toSolverSchedule } from './schedule.js';

/** The rate the solver uses in 1-based epoch e, with the CLI's schedule. */
const rateAt = (text: string, base: number, epoch: number, total: number) =>
  base * createSchedule(toSolverSchedule(parseSchedule(text), total)).factor(epoch - 1);

describe('learning-rate schedules', () => {
  it("reproduces the seed's ×0.1 after epochs 80 and 120", () => {
    expect(scheduleToString(parseSchedule('step:120,80,80:0.1'))).toBe('step:80,120:0.1');
    expect(rateAt('step:80,120:0.1', 0.1, 1, 160)).toBeCloseTo(0.1);
    expect(rateAt('step:80,120:0.1', 0.1, 80, 160)).toBeCloseTo(0.1);
    expect(rateAt('step:80,120:0.1', 0.1, 81, 160)).toBeCloseTo(0.01);
    expect(rateAt('step:80,120:0.1', 0.1, 121, 160)).toBeCloseTo(0.001);
  });

  it('decays exponentially and by a cosine, or not at all', () => {
    expect(rateAt('exp:0.5', 1, 3, 10)).toBeCloseTo(0.25);
    expect(rateAt('cosine', 1, 1, 10)).toBeCloseTo(1);
    expect(rateAt('cosine', 1, 6, 10)).toBeCloseTo(0.5);
    expect(rateAt('constant', 0.3, 99, 10)).toBe(0.3);
  });

  it('explains what it expected', () => {
    expect(() => parseSchedule('linear')).toThrow(
      /unknown schedule; expected constant, step:E1,E2,...:FACTOR, exp:DECAY or cosine, got 'linear'/,
    );
    expect(() => parseSchedule('step:a:0.1')).toThrow(/milestones must be positive integers/);
    expect(() => parseSchedule('exp:2')).toThrow(/decay must be in \(0, 1\]/);
  });
});
