import { describe, expect, it } from 'vitest';
import type { TrainOptions } from '../training/recipes.js';
import { type ExperimentOptions, experimentRuns } from './experiment.js';

const user: ExperimentOptions = { dataset: 'synthetic', scale: 'small', seed: 3 };

/** Each run's value of the options an experiment compares. */
async function compared(name: Parameters<typeof experimentRuns>[0], pick: (o: TrainOptions) => unknown, o = user) {
  return (await experimentRuns(name, o, '/tmp/exp')).map((r) => [r.name, pick(r.options)]);
}

describe("the seed's experiments", () => {
  it('overfit: one run on a small subset, without augmentation, weight decay or schedule', async () => {
    expect(await compared('overfit', (o) => [o.trainSize, o.augment, o.weightDecay, o.schedule])).toEqual([
      ['overfit', [200, false, 0, { kind: 'constant' }]],
    ]);
    expect(await compared('overfit', (o) => o.trainSize, { ...user, scale: 'full' })).toEqual([['overfit', 1000]]);
  });

  it('each comparison varies exactly what the seed varied, on otherwise equal runs', async () => {
    expect(await compared('skip-vs-plain', (o) => o.skip)).toEqual([
      ['resnet', true],
      ['plain', false],
    ]);
    expect(await compared('pad2-vs-pad4', (o) => o.cropPad)).toEqual([
      ['pad2', 2],
      ['pad4', 4],
    ]);
    expect(await compared('depth', (o) => o.n)).toEqual([
      ['n1', 1],
      ['n3', 3],
      ['n5', 5],
    ]);
    expect(await compared('filters', (o) => o.filters)).toEqual([
      ['filters8', 8],
      ['filters16', 16],
    ]);
    expect(await compared('augment', (o) => o.augment)).toEqual([
      ['augmented', true],
      ['not-augmented', false],
    ]);
    for (const name of ['skip-vs-plain', 'pad2-vs-pad4', 'depth', 'filters', 'augment'] as const) {
      const runs = await experimentRuns(name, user, '/tmp/exp');
      // Apart from the compared option and the run folder, the runs are the same.
      const strip = (o: TrainOptions) => ({
        ...o,
        out: undefined,
        skip: undefined,
        cropPad: undefined,
        n: undefined,
        filters: undefined,
        augment: undefined,
      });
      for (const r of runs) expect(strip(r.options), `${name}/${r.name}`).toEqual(strip(runs[0].options));
      expect(new Set(runs.map((r) => r.options.out)).size).toBe(runs.length);
    }
  });

  it("the user's sizes win over the preset's, but never the compared option", async () => {
    const o = { ...user, epochs: 7, trainSize: 300, n: 4, filters: 12 };
    expect(await compared('depth', (t) => [t.n, t.filters, t.epochs, t.trainSize], o)).toEqual([
      ['n1', [1, 12, 7, 300]],
      ['n3', [3, 12, 7, 300]],
      ['n5', [5, 12, 7, 300]],
    ]);
    expect(await compared('filters', (t) => [t.n, t.filters], o)).toEqual([
      ['filters8', [4, 8]],
      ['filters16', [4, 16]],
    ]);
  });

  it("full scale is the train defaults: the seed's CIFAR-10 recipe", async () => {
    const [run] = await experimentRuns('skip-vs-plain', { ...user, scale: 'full' }, '/tmp/exp');
    const o = run.options;
    expect([o.epochs, o.batchSize, o.updateRule, o.lr, o.momentum, o.weightDecay, o.n, o.filters, o.cropPad]).toEqual([
      160,
      128,
      'nesterov',
      0.1,
      0.9,
      1e-4,
      3,
      16,
      2,
    ]);
  });
});
