import { describe, expect, it } from 'vitest';
import { ConstantSchedule } from './constant.js';
import { CosineSchedule } from './cosine.js';
import { ExponentialSchedule } from './exponential.js';
import { LambdaSchedule } from './lambda.js';
import { MultiStepSchedule } from './multistep.js';
import { createSchedule } from './registry.js';
import { WarmupSchedule } from './warmup.js';

describe('schedules', () => {
  it('constant: 1 throughout', () => {
    expect([0, 5.5, 100].map((e) => new ConstantSchedule().factor(e))).toEqual([1, 1, 1]);
  });

  it('exponential: decay^epoch, changing only at epoch boundaries', () => {
    const s = new ExponentialSchedule({ decay: 0.5 });
    expect([0, 0.99, 1, 2.5, 3].map((e) => s.factor(e))).toEqual([1, 1, 0.5, 0.25, 0.125]);
  });

  it('multistep: the ResNet recipe, ×0.1 at epochs 80 and 120', () => {
    const s = new MultiStepSchedule({ milestones: [80, 120], gamma: 0.1 });
    expect(s.factor(0)).toBe(1);
    expect(s.factor(79.99)).toBe(1);
    expect(s.factor(80)).toBeCloseTo(0.1, 15);
    expect(s.factor(119.5)).toBeCloseTo(0.1, 15);
    expect(s.factor(120)).toBeCloseTo(0.01, 15);
    expect(s.factor(159)).toBeCloseTo(0.01, 15);
  });

  it('lambda: a user function of the whole epoch', () => {
    const s = new LambdaSchedule((e) => 1 / (1 + e));
    expect([0, 0.5, 1, 3.2].map((e) => s.factor(e))).toEqual([1, 1, 0.5, 0.25]);
    expect(() => new LambdaSchedule((e) => (e > 1 ? NaN : 1)).factor(2)).toThrow(/returned NaN for epoch 2/);
    expect(() => new LambdaSchedule(3 as never)).toThrow(/expected a function of the epoch/);
  });

  it('cosine: from 1 down to minFactor over `epochs`, then flat', () => {
    const s = new CosineSchedule({ epochs: 10, minFactor: 0.1 });
    expect(s.factor(0)).toBeCloseTo(1, 15);
    expect(s.factor(5)).toBeCloseTo(0.55, 15);
    expect(s.factor(2.5)).toBeCloseTo(0.1 + 0.9 * (1 + Math.SQRT1_2) / 2, 15);
    expect(s.factor(10)).toBeCloseTo(0.1, 15);
    expect(s.factor(20)).toBeCloseTo(0.1, 15);
    expect(() => new CosineSchedule({} as never)).toThrow(/option 'epochs' .* is required/);
  });

  it('warmup: a linear ramp every iteration, multiplying the inner schedule', () => {
    const s = new WarmupSchedule({ epochs: 2, startFactor: 0.2 }, new MultiStepSchedule({ milestones: [1], gamma: 0.5 }));
    expect(s.factor(0)).toBeCloseTo(0.2, 15);
    expect(s.factor(0.5)).toBeCloseTo(0.4, 15);
    expect(s.factor(1)).toBeCloseTo(0.6 * 0.5, 15);
    expect(s.factor(1.5)).toBeCloseTo(0.8 * 0.5, 15);
    expect(s.factor(2)).toBeCloseTo(0.5, 15);
    expect(s.factor(7)).toBeCloseTo(0.5, 15);
  });

  it('state round-trips through createSchedule and loadState', () => {
    const original = new WarmupSchedule({ epochs: 0.5, startFactor: 0.01 }, new CosineSchedule({ epochs: 30, minFactor: 0.05 }));
    const json = JSON.parse(JSON.stringify(original.state()));
    expect(json).toEqual({ type: 'warmup', epochs: 0.5, startFactor: 0.01, then: { type: 'cosine', epochs: 30, minFactor: 0.05 } });
    const rebuilt = createSchedule(json);
    const loaded = new WarmupSchedule({}, new CosineSchedule({ epochs: 1 }));
    loaded.loadState(json);
    for (const e of [0, 0.25, 3, 17.5, 40]) {
      expect(rebuilt.factor(e)).toBe(original.factor(e));
      expect(loaded.factor(e)).toBe(original.factor(e));
    }
    const steps = new MultiStepSchedule();
    steps.loadState({ type: 'multistep', milestones: [2], gamma: 0.3 });
    expect(steps.factor(2)).toBeCloseTo(0.3, 15);
  });

  it('names bad options, unknown types and mismatched state', () => {
    expect(() => createSchedule({ type: 'step' })).toThrow(/unknown schedule type "step" \(known: constant, exponential, multistep, cosine, warmup, lambda\)/);
    expect(() => createSchedule({ type: 'multistep', milestones: [120, 80] })).toThrow(/option 'milestones' must be an ascending array/);
    expect(() => createSchedule({ type: 'exponential', decay: 2 })).toThrow(/option 'decay' must be a number in \[0, 1\], got 2/);
    expect(() => createSchedule({ type: 'exponential', rate: 0.9 })).toThrow(/unknown option 'rate' \(known: decay\)/);
    expect(() => createSchedule({ type: 'lambda' })).toThrow(/holds a function/);
    expect(() => new ExponentialSchedule().loadState({ type: 'cosine', epochs: 3 })).toThrow(/schedule 'exponential': cannot load the state of schedule "cosine"/);
  });
});
