import { describe, expect, it } from 'vitest';
import { programHarness as harness } from '../testing/program.js';
import { TRAIN_DEFAULTS, type TrainOptions } from '../training/recipes.js';

describe('command line', () => {
  it("defaults to the seed's CIFAR recipe", async () => {
    const h = harness();
    expect(await h.run(['train'])).toBe(0);
    const o = h.calls[0].args[0] as TrainOptions;
    expect(o).toMatchObject({
      dataset: 'mnist',
      n: 3,
      filters: 16,
      skip: true,
      epochs: 160,
      batchSize: 128,
      updateRule: 'nesterov',
      lr: 0.1,
      momentum: 0.9,
      weightDecay: 1e-4,
      cropPad: 2,
      augment: true,
      checkpointEvery: 10,
      resume: false,
      schedule: { kind: 'step', milestones: [80, 120], factor: 0.1 },
    });
    expect(o.flip).toBeUndefined(); // decided per data set
  });

  it('gives exactly TRAIN_DEFAULTS for train without flags (what the quickstart and the experiments change)', async () => {
    const h = harness();
    expect(await h.run(['train'])).toBe(0);
    expect(h.calls[0].args[0]).toStrictEqual(TRAIN_DEFAULTS);
  });

  it('parses every flag of train', async () => {
    const h = harness();
    const code = await h.run([
      'train',
      '--dataset',
      'synthetic',
      '--n',
      '1',
      '--filters',
      '8',
      '--no-skip',
      '--hidden',
      '64,32',
      '--no-flip',
      '--crop-pad',
      '4',
      '--rotate',
      '10',
      '--contrast',
      '0.8,1.2',
      '--tint',
      '10',
      '--noise',
      'gaussian:0.2',
      '--elastic',
      '34,4',
      '--epochs',
      '2',
      '--batch-size',
      '16',
      '--update-rule',
      'adam',
      '--lr',
      '1e-3',
      '--momentum',
      '0',
      '--weight-decay',
      '0',
      '--schedule',
      'exp:0.9',
      '--seed',
      '7',
      '--threads',
      '2',
      '--out',
      '/tmp/x',
      '--checkpoint-every',
      '1',
      '--train-size',
      '100',
      '--progress',
      'none',
    ]);
    expect(h.err()).toBe('');
    expect(code).toBe(0);
    expect(h.calls[0].args[0]).toMatchObject({
      dataset: 'synthetic',
      n: 1,
      filters: 8,
      skip: false,
      hidden: [64, 32],
      flip: false,
      cropPad: 4,
      rotate: 10,
      contrast: [0.8, 1.2],
      tint: 10,
      noise: { kind: 'gaussian', amount: 0.2 },
      elastic: [34, 4],
      epochs: 2,
      batchSize: 16,
      updateRule: 'adam',
      lr: 0.001,
      schedule: { kind: 'exp', decay: 0.9 },
      seed: 7,
      threads: 2,
      out: '/tmp/x',
      checkpointEvery: 1,
      trainSize: 100,
    });
  });

  it('parses the schedule, warm-up, early-stopping, clipping and smoothing flags (all off by default)', async () => {
    const h = harness();
    const argv = ['train', '--schedule', 'one-cycle:0.25', '--warmup', '0.5', '--patience', '4'];
    expect(await h.run([...argv, '--clip-grad-norm', '5', '--label-smoothing', '0.1'])).toBe(0);
    expect(h.calls[0].args[0]).toMatchObject({
      schedule: { kind: 'one-cycle', pctStart: 0.25 },
      warmup: 0.5,
      patience: 4,
      clipGradNorm: 5,
      labelSmoothing: 0.1,
    });
    expect(await h.run(['train'])).toBe(0);
    expect(h.calls[1].args[0]).toMatchObject({ warmup: 0, labelSmoothing: 0 });
    expect(h.calls[1].args[0]).not.toHaveProperty('patience');
    expect(h.calls[1].args[0]).not.toHaveProperty('clipGradNorm');
    expect(await h.run(['train', '--label-smoothing', '1'])).toBe(2);
    expect(h.err()).toMatch(/--label-smoothing <e>' argument '1' is invalid\. expected a number in \[0, 1\)/);
  });

  it('--split driver|random for SFDDD (random labelled optimistic in the help); not for other data sets', async () => {
    const h = harness();
    const sfddd = ['train', '--dataset', 'sfddd', '--data-dir', '.'];
    expect(await h.run([...sfddd, '--split', 'random'])).toBe(0);
    expect(await h.run(sfddd)).toBe(0);
    expect(h.calls[0].args[0]).toMatchObject({ dataset: 'sfddd', splitBy: 'random' });
    expect(h.calls[0].args[0]).not.toHaveProperty('split');
    expect(h.calls[1].args[0]).not.toHaveProperty('splitBy');
    expect(await h.run(['train', '--split', 'random'])).toBe(2);
    expect(h.err()).toMatch(/^funt-resnet train: --split is for --dataset sfddd/m);
    expect(await h.run(['train', '--help'])).toBe(0);
    expect(h.out().replace(/\s+/g, ' ')).toMatch(/--split <how> .*'random', the seed's split, .*optimistic/);
  });

  it('experiment --overwrite is passed on (each run then replaces its own folder)', async () => {
    const h = harness();
    expect(await h.run(['experiment', 'augment', '--dataset', 'synthetic', '--overwrite'])).toBe(0);
    expect(h.calls[0].args[1]).toMatchObject({ overwrite: true, scale: 'small' });
  });

  it('--init-from with --freeze of stem and stages; --freeze alone or with --resume is refused', async () => {
    const h = harness();
    expect(await h.run(['train', '--init-from', '.', '--freeze', 'stem, stage1'])).toBe(0);
    expect(h.calls[0].args[0]).toMatchObject({ initFrom: '.', freeze: ['stem', 'stage1'] });
    expect(await h.run(['train', '--freeze', 'stem'])).toBe(2);
    expect(h.err()).toMatch(/--freeze needs --init-from <model>/);
    expect(await h.run(['train', '--init-from', '.', '--resume', '--out', '.'])).toBe(2);
    expect(h.err()).toMatch(/--init-from starts a new run; --resume continues one/);
    expect(await h.run(['train', '--init-from', '.', '--freeze', 'head'])).toBe(2);
    expect(h.err()).toMatch(/expected one of stem, stage1, stage2, stage3, got 'head'/);
    expect(h.calls).toHaveLength(1);
  });

  it('predict: images or folders, --model, --top, --json', async () => {
    const h = harness();
    expect(await h.run(['predict', '--model', '.', 'a.png', 'digits/'])).toBe(0);
    expect(await h.run(['predict', '--model', '.', '--top', '1', '--json', 'a.png'])).toBe(0);
    expect(h.calls.map((c) => c.args[0])).toEqual([
      { model: '.', images: ['a.png', 'digits/'], top: 3, json: false, batchSize: 64 },
      { model: '.', images: ['a.png'], top: 1, json: true, batchSize: 64 },
    ]);
    expect(await h.run(['predict', '--model', '.'])).toBe(2);
    expect(h.err()).toMatch(/missing required argument 'images'/);
  });

  it('tells in its help what the code does by default', async () => {
    const h = harness();
    expect(await h.run(['train', '--help'])).toBe(0);
    const help = h.out().replace(/\s+/g, ' ');
    expect(help).toContain('(default: FUNT_THREADS, else every core)');
    expect(help).toMatch(/--schedule <spec> .*one-cycle\[:PCT_START\]/);
    expect(help).toMatch(/--patience <epochs> .*\(default: off\)/);
  });

  const bad: [string[], RegExp][] = [
    [['train', '--bogus'], /^funt-resnet train: unknown option '--bogus'/],
    [
      ['train', '--dataset', 'imagenet'],
      /^funt-resnet train: option '--dataset <name>' argument 'imagenet' is invalid\. Allowed choices are mnist, /,
    ],
    [
      ['train', '--n', '0'],
      /^funt-resnet train: option '--n <n>' argument '0' is invalid\. expected a positive integer, got '0'/,
    ],
    [['train', '--lr', 'fast'], /expected a number, got 'fast'/],
    [['train', '--schedule', 'linear'], /unknown schedule/],
    [['train', '--dataset', 'cifar10'], /^funt-resnet train: --dataset cifar10 needs --data-dir <dir>/],
    [
      ['train', '--dataset', 'cifar10', '--data-dir', '/no/such/dir'],
      /^funt-resnet train: --data-dir \/no\/such\/dir does not exist/,
    ],
    [['train', '--resume'], /--resume needs --out <dir>/],
    [['train', '--data-cache', 'package.json'], /^funt-resnet train: --data-cache package\.json is not a folder/],
    [['train', '--data-cache', ''], /^funt-resnet train: --data-cache needs a folder/],
    [['eval'], /required option '--model <path>' not specified/],
    [['eval', '--model', '/no/such/run'], /^funt-resnet eval: --model \/no\/such\/run does not exist/],
    [['experiment', 'wider'], /'wider' is invalid.*expected one of overfit, skip-vs-plain/],
    [['experiment', 'augment', '--seeds', '1,x'], /'--seeds <list>' argument '1,x' is invalid/],
    [['experiment', 'augment', '--seeds', '1,2,1'], /seed 1 is given twice in '1,2,1'/],
    [['report', '/no/run'], /run folder \/no\/run does not exist/],
    [['fool', '--model', '.', '--out', 'x', '--threshold', '1.5'], /expected a probability strictly between 0 and 1/],
    [['frobnicate'], /too many arguments|unknown command/],
  ];
  it.each(bad)('rejects %j with one line, the usage and exit code 2', async (argv, message) => {
    const h = harness();
    expect(await h.run(argv)).toBe(2);
    expect(h.calls).toHaveLength(0);
    const lines = h.err().trimEnd().split('\n');
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^usage: funt-resnet/);
    expect(lines.length).toBeLessThanOrEqual(3);
  });

  it('prints help with exit code 0', async () => {
    const h = harness();
    expect(await h.run(['train', '--help'])).toBe(0);
    expect(h.out()).toContain('--checkpoint-every <k>');
  });

  it('rejects a mistyped command instead of running the quickstart, and names the command meant', async () => {
    const h = harness();
    expect(await h.run(['trian', '--epochs', '3'])).toBe(2);
    expect(h.calls).toHaveLength(0);
    expect(h.err().split('\n').slice(0, 2)).toEqual([
      "funt-resnet: unknown command 'trian' (did you mean 'train'?)",
      'usage: funt-resnet [options] [command]',
    ]);
    const far = harness();
    expect(await far.run(['frobnicate'])).toBe(2);
    expect(far.err().split('\n')[0]).toBe("funt-resnet: unknown command 'frobnicate'");
    // Flags alone still go to the quickstart; so does the quickstart by name.
    const flags = harness();
    expect(await flags.run(['--epochs', '1'])).toBe(0);
    expect(await flags.run(['quickstart', '--epochs', '1'])).toBe(0);
    expect(flags.calls.map((c) => [c.name, c.args[0]])).toEqual([
      ['quickstart', { epochs: 1, seed: 0 }],
      ['quickstart', { epochs: 1, seed: 0 }],
    ]);
  });

  it('runs the quickstart when no command is given', async () => {
    const h = harness();
    expect(await h.run([])).toBe(0);
    expect(h.calls.map((c) => c.name)).toEqual(['quickstart']);
  });
});
