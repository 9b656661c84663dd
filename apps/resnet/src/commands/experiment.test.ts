import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainOptions } from '../training/recipes.js';
import { type ExperimentOptions, experiment, experimentRuns } from './experiment.js';
import { train } from './train.js';

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
    // Small: both at 20 and at 32 layers (the depth where a plain network degrades); full: the seed's pair.
    expect(await compared('skip-vs-plain', (o) => [o.skip, o.n])).toEqual([
      ['resnet20', [true, 3]],
      ['plain20', [false, 3]],
      ['resnet32', [true, 5]],
      ['plain32', [false, 5]],
    ]);
    expect(await compared('skip-vs-plain', (o) => [o.skip, o.n], { ...user, scale: 'full' })).toEqual([
      ['resnet', [true, 3]],
      ['plain', [false, 3]],
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

  it('--overwrite reaches every run (a reused experiment folder is refused without it)', async () => {
    expect(await compared('augment', (o) => o.overwrite ?? false)).toEqual([
      ['augmented', false],
      ['not-augmented', false],
    ]);
    expect(await compared('augment', (o) => o.overwrite, { ...user, overwrite: true })).toEqual([
      ['augmented', true],
      ['not-augmented', true],
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

describe('seeds', () => {
  it('runs every configuration once per seed, named by its seed, otherwise equal', async () => {
    const runs = await experimentRuns('skip-vs-plain', { ...user, seeds: [1, 2] }, '/tmp/exp');
    const resnets = runs.filter((r) => r.configuration === 'resnet20');
    expect(resnets.map((r) => [r.name, r.options.seed, r.options.out])).toEqual([
      ['resnet20-seed1', 1, '/tmp/exp/resnet20-seed1'],
      ['resnet20-seed2', 2, '/tmp/exp/resnet20-seed2'],
    ]);
    expect({ ...resnets[0].options, seed: 0, out: '' }).toEqual({ ...resnets[1].options, seed: 0, out: '' });
    expect(new Set(runs.map((r) => r.configuration)).size * 2).toBe(runs.length);
  });

  it('one seed keeps the plain run names, and --seed is that seed', async () => {
    const runs = await experimentRuns('augment', user, '/tmp/exp');
    expect(runs.map((r) => [r.name, r.configuration, r.options.seed])).toEqual([
      ['augmented', 'augmented', 3],
      ['not-augmented', 'not-augmented', 3],
    ]);
  });
});

describe('an experiment run end to end (tiny synthetic runs)', () => {
  it('writes summary.json with each run and the means over seeds, the report shows the means, and a run is its standalone train run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'funt-exp-'));
    const lines: string[] = [];
    try {
      const o: ExperimentOptions = {
        dataset: 'synthetic',
        scale: 'small',
        seed: 0,
        seeds: [4, 5],
        trainSize: 48,
        valSize: 16,
        testSize: 16,
        epochs: 2,
        n: 1,
        filters: 2,
        batchSize: 16,
        progress: 'none',
        out: dir,
      };
      const { summary } = await experiment('augment', o, (line) => lines.push(line));
      const written = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      expect(written).toEqual(JSON.parse(JSON.stringify(summary)));
      expect(written.experiment).toBe('augment');
      expect(written.seeds).toEqual([4, 5]);
      expect(written.runs.map((r: { name: string; seed: number }) => [r.name, r.seed])).toEqual([
        ['augmented-seed4', 4],
        ['augmented-seed5', 5],
        ['not-augmented-seed4', 4],
        ['not-augmented-seed5', 5],
      ]);
      for (const r of written.runs) {
        // The metrics are the run's own files' values.
        const history = JSON.parse(readFileSync(join(dir, r.name, 'history.json'), 'utf8'));
        const results = JSON.parse(readFileSync(join(dir, r.name, 'results.json'), 'utf8'));
        expect(r.finalTrainAcc).toBe(history.epochs.at(-1).trainAcc);
        expect(r.finalValAcc).toBe(history.epochs.at(-1).valAcc);
        expect(r.testTop1).toBe(results.top1);
        expect(r.epochs).toBe(2);
        expect(r.bestEpoch).toBeGreaterThanOrEqual(1);
        expect(r.options.trainSize).toBe(48);
        expect(r.options.augment).toBe(r.configuration === 'augmented');
        expect(r.seconds).toBeGreaterThanOrEqual(r.trainSeconds);
      }
      const [aug, plain] = written.configurations;
      expect([aug.name, aug.seeds, aug.runs]).toEqual(['augmented', [4, 5], ['augmented-seed4', 'augmented-seed5']]);
      expect(plain.mean.testTop1).toBeCloseTo((written.runs[2].testTop1 + written.runs[3].testTop1) / 2, 12);
      expect(aug.mean.bestEpoch).toBe((written.runs[0].bestEpoch + written.runs[1].bestEpoch) / 2);
      // The printed table: a row per run and a mean row per configuration.
      expect(lines.some((l) => /^augmented-seed5\s+5\s+\d+\.\d\d%/.test(l))).toBe(true);
      expect(lines.some((l) => /^not-augmented \(mean\)\s+\d+\.\d\d%/.test(l))).toBe(true);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('Means over seeds');
      expect(html).toContain('id="run-not-augmented-seed5"');

      // The last run, trained alone after the experiment's four runs, is the same run: every
      // initial value comes from its seed, none from what the runs before it drew.
      const last = written.runs[3];
      const alone = await train({ ...last.options, out: join(dir, 'alone') }, { log: () => {} });
      const curve = (run: string) => {
        const h = JSON.parse(readFileSync(join(run, 'history.json'), 'utf8'));
        return {
          losses: h.iterations.map((i: { loss: number }) => i.loss),
          accuracies: h.epochs.map((e: { trainAcc: number; valAcc: number }) => [e.trainAcc, e.valAcc]),
        };
      };
      expect(curve(alone.runDir)).toEqual(curve(join(dir, last.name)));
      expect(alone.results.top1).toBe(last.testTop1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
