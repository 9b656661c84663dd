import { describe, expect, it } from 'vitest';
import { pytorchOneCycle, runPython, torchMissing } from '../testing/pytorch.js';
import { ONE_CYCLE_DEFAULTS, type OneCycleOptions, OneCycleSchedule } from './one-cycle.js';
import { createSchedule } from './registry.js';

const DEFAULTS = ONE_CYCLE_DEFAULTS;

/**
 * Our factor is PyTorch's formula with max_lr 1, times the rate; PyTorch evaluates it in units
 * of the rate. Where a linear phase ends near max_lr/divFactor/finalDivFactor its subtraction
 * cancels, and the two roundings differ by up to ~1e-12 relative: far below float32's 6e-8.
 */
const TOLERANCE = 1e-11;
const relativeError = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Our lr (maxLr × factor) and momentum at every step of the cycle, stepped per iteration. */
function ours(o: OneCycleOptions, maxLr: number, stepsPerEpoch: number): [number, number][] {
  const s = new OneCycleSchedule(o);
  const out: [number, number][] = [];
  for (let e = 0; e < o.epochs; e++) {
    for (let i = 0; i < stepsPerEpoch; i++) {
      const epoch = e + i / stepsPerEpoch; // as the solver computes it
      out.push([maxLr * s.factor(epoch, stepsPerEpoch), s.momentum(epoch, stepsPerEpoch)!]);
    }
  }
  return out;
}

describe('one-cycle schedule', () => {
  const configs: [Partial<OneCycleOptions>, number][] = [
    [{ epochs: 4 }, 13],
    [{ epochs: 3, pctStart: 0.25, threePhase: true }, 7],
    [{ epochs: 5, annealStrategy: 'linear', divFactor: 10, finalDivFactor: 100 }, 9],
    [{ epochs: 2, annealStrategy: 'linear', threePhase: true, pctStart: 0.4, baseMomentum: 0.8, maxMomentum: 0.9 }, 11],
    [{ epochs: 30, pctStart: 0.1 }, 1], // stepped per epoch
    [{ epochs: 1, pctStart: 0 }, 50],
    [{ epochs: 1, pctStart: 1 }, 50],
  ];
  for (const [given, stepsPerEpoch] of configs) {
    it(`matches PyTorch's OneCycleLR formula at every step: ${JSON.stringify(given)}, ${stepsPerEpoch} steps per epoch`, () => {
      const o = { ...DEFAULTS, ...given };
      const total = o.epochs * stepsPerEpoch;
      const values = ours(o, 0.4, stepsPerEpoch);
      expect(values).toHaveLength(total);
      values.forEach(([lr, momentum], step) => {
        const [wantLr, wantMomentum] = pytorchOneCycle(o, 0.4, total, step);
        expect(relativeError(lr, wantLr)).toBeLessThan(TOLERANCE);
        expect(relativeError(momentum, wantMomentum)).toBeLessThan(TOLERANCE);
      });
      // The shape: from maxLr/divFactor, up to maxLr, down to maxLr/divFactor/finalDivFactor.
      if (o.pctStart > 0) expect(values[0][0]).toBeCloseTo(0.4 / o.divFactor, 14);
      expect(Math.max(...values.map((v) => v[0]))).toBeLessThanOrEqual(0.4 * (1 + 1e-15));
    });
  }

  it('stepping per epoch is the same cycle with one step per epoch', () => {
    const s = new OneCycleSchedule({ epochs: 10, pctStart: 0.3 });
    for (let e = 0; e < 10; e++) expect(s.factor(e)).toBe(s.factor(e, 1));
  });

  it('a phase of no length (pctStart · steps = 1, where PyTorch divides by zero) is at its end', () => {
    const s = new OneCycleSchedule({ epochs: 1, pctStart: 0.1 });
    expect(s.factor(0, 10)).toBe(1);
    expect(s.momentum(0, 10)).toBe(0.85);
  });

  it('holds the last value past the cycle, and has no momentum with cycleMomentum off', () => {
    const s = new OneCycleSchedule({ epochs: 2 });
    expect(s.factor(2, 5)).toBe(s.factor(1.8, 5));
    expect(s.factor(9, 5)).toBe(s.factor(1.8, 5));
    expect(new OneCycleSchedule({ epochs: 2, cycleMomentum: false }).momentum(0.5, 5)).toBeNull();
  });

  it('round-trips its state and names bad options', () => {
    const s = new OneCycleSchedule({ epochs: 3, threePhase: true, annealStrategy: 'linear' });
    const rebuilt = createSchedule(JSON.parse(JSON.stringify(s.state())));
    for (const e of [0, 0.3, 1.7, 2.9]) expect(rebuilt.factor(e, 7)).toBe(s.factor(e, 7));
    expect(() => new OneCycleSchedule({} as never)).toThrow(/schedule 'onecycle': option 'epochs' .* is required/);
    expect(() => createSchedule({ type: 'onecycle', epochs: 3, pctStart: 1.5 })).toThrow(
      /schedule 'onecycle': option 'pctStart' must be a number in \[0, 1\], got 1\.5/,
    );
    expect(() => createSchedule({ type: 'onecycle', epochs: 3, annealStrategy: 'cosine' })).toThrow(
      /option 'annealStrategy' must be one of "cos", "linear", got "cosine"/,
    );
    expect(() => createSchedule({ type: 'onecycle', epochs: 3, maxLr: 0.1 })).toThrow(/unknown option 'maxLr'/);
  });

  const missing = torchMissing();
  if (missing) console.log(`skipping the comparison with torch.optim.lr_scheduler.OneCycleLR: ${missing}`);
  it.skipIf(missing !== null)("equals torch.optim.lr_scheduler.OneCycleLR's values at every step", () => {
    const got = runPython(`
import json, torch
out = []
for three_phase, anneal, optim in [(True, 'cos', 'sgd'), (False, 'linear', 'adam')]:
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9) if optim == 'sgd' else torch.optim.Adam([p], lr=0.1)
    s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.4, epochs=3, steps_per_epoch=7, pct_start=0.25,
        anneal_strategy=anneal, div_factor=20, final_div_factor=50, three_phase=three_phase)
    values = []
    for i in range(21):
        g = opt.param_groups[0]
        values.append([g['lr'], g['momentum'] if optim == 'sgd' else g['betas'][0]])
        opt.step()
        s.step()
    out.append(values)
print(json.dumps(out))
`) as [number, number][][];
    const base = { ...DEFAULTS, epochs: 3, pctStart: 0.25, divFactor: 20, finalDivFactor: 50 };
    const mine = [
      ours({ ...base, threePhase: true, annealStrategy: 'cos' }, 0.4, 7),
      ours({ ...base, threePhase: false, annealStrategy: 'linear' }, 0.4, 7),
    ];
    mine.forEach((values, c) =>
      values.forEach(([lr, momentum], step) => {
        expect(relativeError(lr, got[c][step][0])).toBeLessThan(TOLERANCE);
        expect(relativeError(momentum, got[c][step][1])).toBeLessThan(TOLERANCE);
      }),
    );
  });
});
