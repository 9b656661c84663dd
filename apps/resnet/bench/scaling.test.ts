import { getThreads } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { makeStep } from './funt-model.js';
import { alternate, parseScaling, speedUp } from './scaling.js';
import { threadControl } from './threads.js';

const record = {
  impl: 'funt',
  backend: 'wasm',
  model: 'ResNet-20',
  n: 3,
  mode: 'train',
  threads: 2,
  batch: 128,
  rounds: 2,
  secondsOne: [0.6, 0.7, 0.65, 0.62],
  secondsMany: [0.35, 0.4, 0.37, 0.36],
  speedUp: 0,
};
record.speedUp = speedUp(record.secondsOne, record.secondsMany);

describe('the paired speed-up', () => {
  it('alternates 1-thread and many-thread blocks, one untimed step after each switch', async () => {
    const settings: number[] = [];
    let current = 0;
    const steps: number[] = [];
    const r = await alternate(
      async (n) => {
        settings.push(n);
        current = n;
      },
      () => {
        steps.push(current);
      },
      { rounds: 3, steps: 2, threads: 2 },
    );
    expect(settings).toEqual([1, 2, 1, 2, 1, 2]);
    expect(steps).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
    expect(r.secondsOne).toHaveLength(6);
    expect(r.secondsMany).toHaveLength(6);
  });

  it('is the ratio of the medians', () => {
    expect(speedUp([1, 3, 2], [0.5, 2, 1])).toBe(2);
  });

  it("parses a child's record and names the field and the program when one is wrong", () => {
    const out = `a warning first\n${JSON.stringify(record)}\n`;
    expect(parseScaling(out, 'node funt-scaling.js')).toMatchObject({ impl: 'funt', threads: 2, rounds: 2 });
    // funt on the native backend (FUNT_BACKEND=native) prints the same record.
    expect(parseScaling(JSON.stringify({ ...record, impl: 'native', backend: 'native' }), 'prog').impl).toBe('native');
    expect(() => parseScaling('', 'prog')).toThrow(/prog: printed nothing/);
    expect(() => parseScaling('{oops', 'prog')).toThrow(/prog: last line of stdout is not JSON/);
    expect(() => parseScaling(JSON.stringify({ ...record, secondsMany: [] }), 'prog')).toThrow(
      /prog: field 'secondsMany' must be a non-empty list/,
    );
    expect(() => parseScaling(JSON.stringify({ ...record, impl: 'tf' }), 'prog')).toThrow(/field 'impl'/);
    expect(() => parseScaling(JSON.stringify({ ...record, speedUp: 3 }), 'prog')).toThrow(
      /field 'speedUp' must be median\(secondsOne\) \/ median\(secondsMany\)/,
    );
  });

  it('switches a real model between 1 and 2 threads mid-training (ResNet-8, batch 2, as funt-scaling.js does)', async () => {
    const before = getThreads();
    const control = threadControl();
    try {
      const step = makeStep({ n: 1, mode: 'train', batch: 2 });
      const seen: number[] = [];
      const r = await alternate(
        async (n) => {
          expect(await control.set(n)).toBe(true);
          seen.push(getThreads());
        },
        step,
        { rounds: 2, steps: 1, threads: 2 },
      );
      expect(seen).toEqual([1, 2, 1, 2]);
      expect([...r.secondsOne, ...r.secondsMany].every((t) => t > 0 && Number.isFinite(t))).toBe(true);
      expect(speedUp(r.secondsOne, r.secondsMany)).toBeGreaterThan(0);
    } finally {
      await control.set(before);
    }
  });
});
