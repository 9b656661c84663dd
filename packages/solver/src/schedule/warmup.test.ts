import { describe, expect, it } from 'vitest';
import { ConstantSchedule } from './constant.js';
import { CosineSchedule } from './cosine.js';
import { ExponentialSchedule } from './exponential.js';
import { LambdaSchedule } from './lambda.js';
import { MultiStepSchedule } from './multistep.js';
import { OneCycleSchedule } from './one-cycle.js';
import { createSchedule } from './registry.js';
import type { Schedule } from './schedule.js';
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

  const inners: [string, () => Schedule][] = [
    ['constant', () => new ConstantSchedule()],
    ['exponential', () => new ExponentialSchedule({ decay: 0.8 })],
    ['multistep', () => new MultiStepSchedule({ milestones: [1, 3], gamma: 0.3 })],
    ['cosine', () => new CosineSchedule({ epochs: 4, minFactor: 0.05 })],
    ['onecycle', () => new OneCycleSchedule({ epochs: 4, pctStart: 0.2 })],
    ['lambda', () => new LambdaSchedule((e) => 1 / (1 + e))],
  ];
  for (const [type, make] of inners) {
    it(`composes with ${type}: ramp × its factor on the same clock, its momentum passed through`, () => {
      const inner = make();
      const s = new WarmupSchedule({ epochs: 1.5, startFactor: 0.1 }, make());
      for (let step = 0; step < 4 * 9; step++) {
        const e = step / 9;
        const ramp = e >= 1.5 ? 1 : 0.1 + (0.9 * e) / 1.5;
        expect(s.factor(e, 9)).toBe(ramp * inner.factor(e, 9));
        expect(s.momentum(e, 9)).toBe(inner.momentum?.(e, 9) ?? null);
      }
      if (type === 'onecycle') expect(s.momentum(0.5, 9)).toBeGreaterThan(0.85);
      if (type !== 'lambda') {
        const rebuilt = createSchedule(JSON.parse(JSON.stringify(s.state())));
        expect(rebuilt.factor(0.7, 9)).toBe(s.factor(0.7, 9));
      }
    });
  }
});
