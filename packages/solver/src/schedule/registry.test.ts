import { describe, expect, it } from 'vitest';
import { CosineSchedule } from './cosine.js';
import { ExponentialSchedule } from './exponential.js';
import { MultiStepSchedule } from './multistep.js';
import { createSchedule } from './registry.js';
import { WarmupSchedule } from './warmup.js';

describe('createSchedule and schedule state', () => {
  it('state round-trips through createSchedule and loadState', () => {
    const original = new WarmupSchedule(
      { epochs: 0.5, startFactor: 0.01 },
      new CosineSchedule({ epochs: 30, minFactor: 0.05 }),
    );
    const json = JSON.parse(JSON.stringify(original.state()));
    expect(json).toEqual({
      type: 'warmup',
      epochs: 0.5,
      startFactor: 0.01,
      then: { type: 'cosine', epochs: 30, minFactor: 0.05 },
    });
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
    expect(() => createSchedule({ type: 'step' })).toThrow(
      /unknown schedule type "step" \(known: constant, exponential, multistep, cosine, onecycle, warmup, lambda\)/,
    );
    expect(() => createSchedule({ type: 'multistep', milestones: [120, 80] })).toThrow(
      /option 'milestones' must be an ascending array/,
    );
    expect(() => createSchedule({ type: 'exponential', decay: 2 })).toThrow(
      /option 'decay' must be a number in \[0, 1\], got 2/,
    );
    expect(() => createSchedule({ type: 'exponential', rate: 0.9 })).toThrow(/unknown option 'rate' \(known: decay\)/);
    expect(() => createSchedule({ type: 'lambda' })).toThrow(/holds a function/);
    expect(() => new ExponentialSchedule().loadState({ type: 'cosine', epochs: 3 })).toThrow(
      /schedule 'exponential': cannot load the state of schedule "cosine"/,
    );
  });
});
