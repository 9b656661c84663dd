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

  it("one-cycle is PyTorch's OneCycleLR over the whole run, the base rate being max_lr", () => {
    // 10 steps, pct_start 0.3: up from max_lr/25 to max_lr at step 2 (= 0.3·10 − 1), cosine
    // annealing in between (halfway at step 1), down to max_lr/25/1e4 at the last step.
    expect(parseSchedule('one-cycle')).toEqual({ kind: 'one-cycle', pctStart: 0.3 });
    expect(scheduleToString(parseSchedule('one-cycle:0.25'))).toBe('one-cycle:0.25');
    expect(rateAt('one-cycle', 0.5, 1, 10)).toBeCloseTo(0.5 / 25, 12);
    expect(rateAt('one-cycle', 0.5, 2, 10)).toBeCloseTo(0.5 * (1 + (1 / 25 - 1) / 2), 12);
    expect(rateAt('one-cycle', 0.5, 3, 10)).toBeCloseTo(0.5, 12);
    expect(rateAt('one-cycle', 0.5, 10, 10)).toBeCloseTo(0.5 / 25 / 1e4, 12);
    const cycling = createSchedule(toSolverSchedule(parseSchedule('one-cycle'), 10));
    expect([cycling.momentum?.(0), cycling.momentum?.(2)]).toEqual([0.95, 0.85]);
    const fixed = createSchedule(toSolverSchedule(parseSchedule('one-cycle'), 10, false));
    expect(fixed.momentum?.(2) ?? null).toBeNull();
  });

  it('explains what it expected', () => {
    expect(() => parseSchedule('linear')).toThrow(
      /unknown schedule; expected constant, step:E1,E2,...:FACTOR, exp:DECAY, cosine or one-cycle\[:PCT_START\], got 'linear'/,
    );
    expect(() => parseSchedule('one-cycle:1.5')).toThrow(/rising fraction must be in \(0, 1\)/);
    expect(() => parseSchedule('step:a:0.1')).toThrow(/milestones must be positive integers/);
    expect(() => parseSchedule('exp:2')).toThrow(/decay must be in \(0, 1\]/);
  });
});
