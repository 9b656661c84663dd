import { existsSync, statSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { addInteropCommands, type InteropHandlers } from '../interop/cli-commands.js';
import {
  DATASETS,
  type DataOptions,
  type EvalOptions,
  EXPERIMENTS,
  type ExperimentName,
  NOISE_KINDS,
  type NoiseKind,
  type TrainOptions,
  UPDATE_RULES,
} from './options.js';
import {
  type Action,
  type Flags,
  indexList,
  intList,
  nonNegativeInt,
  nonNegativeNumber,
  numberPair,
  oneOf,
  positiveInt,
  positiveNumber,
  probability,
} from './parse.js';
import { parseSchedule } from './schedule.js';

/** Thrown by command handlers for bad input the user can fix: reported like a bad flag (exit 2). */
export class UsageError extends Error {}

const NAME = 'funt-resnet';

/** `defaultDataset` null: the data set the model was trained on (eval, saliency, fool). */
function dataOptions(cmd: Command, defaultDataset: string | null = 'mnist'): Command {
  const dataset = new Option(
    '--dataset <name>',
    defaultDataset ? 'data set' : 'data set (default: the one the model was trained on)',
  ).choices(DATASETS);
  return cmd
    .addOption(defaultDataset ? dataset.default(defaultDataset) : dataset)
    .option('--data-dir <dir>', 'folder of the data set files (every data set but the embedded mnist and synthetic)')
    .option('--train-size <k>', 'use only the first k training images', positiveInt)
    .option('--val-size <k>', 'validation images held out of the training set', positiveInt)
    .option('--test-size <k>', 'use only the first k test images', positiveInt);
}

function runtimeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--threads <k>',
      'threads of the wasm kernels, the calling thread included (default: FUNT_THREADS, else 1)',
      positiveInt,
    )
    .option('--backend <name>', 'tensor backend (wasm or reference; default: the fastest available)');
}

function modelOptions(cmd: Command): Command {
  return cmd
    .option('--n <n>', 'residual blocks per stage: 6n+2 weighted layers', positiveInt, 3)
    .option('--filters <F>', 'filters of the first stage (then 2F, 4F)', positiveInt, 16)
    .option('--no-skip', 'drop the shortcuts: the plain network of the same depth')
    .option(
      '--hidden <dims>',
      'comma-separated widths of hidden affine layers before the classifier',
      intList,
      [] as number[],
    );
}

function trainingOptions(cmd: Command): Command {
  return cmd
    .option('--epochs <k>', 'training epochs', positiveInt, 160)
    .option('--batch-size <k>', 'mini-batch size', positiveInt, 128)
    .addOption(new Option('--update-rule <name>', 'update rule').choices(UPDATE_RULES).default('nesterov'))
    .option('--lr <x>', 'base learning rate', positiveNumber, 0.1)
    .option('--momentum <x>', 'momentum (momentum, nesterov)', nonNegativeNumber, 0.9)
    .option('--weight-decay <x>', 'L2 weight decay', nonNegativeNumber, 1e-4)
    .option(
      '--schedule <spec>',
      'learning-rate schedule: constant, step:E1,E2:F, exp:D or cosine',
      parseSchedule,
      parseSchedule('step:80,120:0.1'),
    )
    .option('--seed <k>', 'seed of every random choice (init, shuffling, augmentation)', nonNegativeInt, 0);
}

function augmentOptions(cmd: Command): Command {
  return cmd
    .option('--flip', 'random horizontal flips (default: on for natural images, off for digits, signs and drivers)')
    .option('--no-flip', 'no horizontal flips')
    .option('--crop-pad <p>', 'random crops of the image padded by p pixels (0: none)', nonNegativeInt, 2)
    .option('--rotate <deg>', 'random rotations up to ±deg degrees', nonNegativeNumber, 0)
    .option('--contrast <lo,hi>', 'random contrast scaling in [lo, hi], e.g. 0.8,1.2', numberPair)
    .option('--tint <amount>', 'random per-channel shift in ±amount (pixel units)', nonNegativeNumber)
    .option('--noise <kind[:amount]>', `noise: ${NOISE_KINDS.join(', ')}`, parseNoise)
    .option('--elastic <alpha,sigma>', 'elastic distortion (MNIST), e.g. 34,4', numberPair)
    .option('--no-augment', 'turn every augmentation off');
}

function parseNoise(text: string): { kind: NoiseKind; amount: number } {
  const [kind, amount] = text.split(':');
  const k = oneOf(NOISE_KINDS)(kind);
  return { kind: k, amount: amount === undefined ? (k === 'salt-pepper' ? 0.02 : 0.1) : nonNegativeNumber(amount) };
}

/** Checks that apply to any command reading a data set: a folder that exists when needed. */
export function checkData(o: Partial<DataOptions>): void {
  // Without --dataset (eval, saliency, fool) the handler checks again once it knows the model's.
  const needsDir = o.dataset !== undefined && o.dataset !== 'mnist' && o.dataset !== 'synthetic';
  if (needsDir && !o.dataDir)
    throw new UsageError(`--dataset ${o.dataset} needs --data-dir <dir> (the folder of its files)`);
  if (o.dataDir && !(existsSync(o.dataDir) && statSync(o.dataDir).isDirectory())) {
    throw new UsageError(`--data-dir ${o.dataDir} is not a folder`);
  }
}

function checkFolder(flag: string, path: string): void {
  if (!existsSync(path)) throw new UsageError(`${flag} ${path} does not exist`);
}

/** One handler per command; `export` and `import` are in interop/cli-commands.ts. */
export interface ProgramHandlers extends InteropHandlers {
  train(o: TrainOptions): Promise<void>;
  evaluate(o: EvalOptions): Promise<void>;
  experiment(name: ExperimentName, o: Flags): Promise<void>;
  report(runs: string[], o: { out?: string; title?: string }): Promise<void>;
  saliency(o: Flags): Promise<void>;
  fool(o: Flags): Promise<void>;
  quickstart(o: Flags): Promise<void>;
}

/**
 * The command-line program. Every error the user can fix (unknown flag or value, unknown data
 * set, missing folder) prints one line and the usage, and exits with code 2.
 */
export function buildProgram(
  handlers: ProgramHandlers,
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Command {
  const program = new Command(NAME);
  const configure = (cmd: Command) =>
    cmd
      .configureOutput({
        writeOut: io.out,
        writeErr: io.err,
        // Commander's messages start with "error: "; one line, naming the program and command.
        outputError: (str, write) =>
          write(`${NAME}${cmd === program ? '' : ` ${cmd.name()}`}: ${str.replace(/^error: /, '').trim()}\n`),
      })
      .showHelpAfterError(
        `usage: ${NAME}${cmd === program ? '' : ` ${cmd.name()}`} ${cmd.usage()}\n(run '${NAME}${cmd === program ? '' : ` ${cmd.name()}`} --help' for the options)`,
      )
      .exitOverride();
  configure(program)
    .description('Deep residual networks (He et al. 2015) trained on the CPU with funt.')
    .version('0.1.0')
    .allowExcessArguments(false);

  /** Runs a handler; a UsageError becomes commander's error (one line + usage, exit 2). */
  const act = (cmd: Command, fn: Action) =>
    cmd.action(async (...args: Parameters<Action>) => {
      try {
        await fn(...args);
      } catch (e) {
        if (e instanceof UsageError) cmd.error(e.message, { exitCode: 2, code: 'funt.usage' });
        throw e;
      }
    });

  const train = configure(
    program
      .command('train')
      .description('train a ResNet; writes a run folder with histories, checkpoints, the best model and a report'),
  );
  dataOptions(train);
  modelOptions(train);
  augmentOptions(train);
  trainingOptions(train);
  runtimeOptions(train)
    .option('--out <dir>', 'run folder (default: runs/<dataset>-<model>-<time>)')
    .option('--checkpoint-every <k>', 'save a checkpoint every k epochs (0: never)', nonNegativeInt, 10)
    .option('--resume', 'continue from the latest checkpoint in --out', false)
    .option('--saliency-count <k>', 'validation images shown with saliency maps in the report', nonNegativeInt, 8)
    .option('--no-fooling', 'skip the fooling images in the report')
    .option('--no-report', 'do not build the HTML report')
    .addOption(new Option('--progress <style>', 'progress output').choices(['bar', 'lines', 'none']));
  act(train, async (o: TrainOptions) => {
    checkData(o);
    if (o.resume && !o.out) throw new UsageError('--resume needs --out <dir> (the run folder to continue)');
    if (o.resume) checkFolder('--out', o.out!);
    await handlers.train(o);
  });

  const evaluate = configure(
    program.command('eval').description('evaluate a saved model: top-1, top-5, confusion matrix, per-class accuracy'),
  );
  evaluate.requiredOption('--model <path>', 'run folder (uses its best model) or a .safetensors file inside one');
  dataOptions(evaluate, null);
  runtimeOptions(evaluate)
    .addOption(new Option('--split <name>', 'which split').choices(['test', 'val']).default('test'))
    .option('--batch-size <k>', 'images per forward pass', positiveInt, 256)
    .option('--out <file>', 'write the results as JSON here (default: <run>/results.json)');
  act(evaluate, async (o: EvalOptions) => {
    checkFolder('--model', o.model);
    checkData(o);
    await handlers.evaluate(o);
  });

  const experiment = configure(
    program
      .command('experiment')
      .description("the seed's experiments: each a set of runs plus one comparison report")
      .argument('<name>', `one of ${EXPERIMENTS.join(', ')}`, oneOf(EXPERIMENTS)),
  );
  dataOptions(experiment);
  runtimeOptions(experiment)
    .addOption(
      new Option('--scale <size>', "small: minutes on a laptop; full: the seed's sizes")
        .choices(['small', 'full'])
        .default('small'),
    )
    .option('--epochs <k>', 'override the epochs of every run', positiveInt)
    .option('--n <n>', 'override the blocks per stage (not for depth)', positiveInt)
    .option('--filters <F>', 'override the first-stage filters (not for filters)', positiveInt)
    .option('--batch-size <k>', 'override the mini-batch size', positiveInt)
    .option('--lr <x>', 'override the learning rate', positiveNumber)
    .option('--seed <k>', 'seed', nonNegativeInt, 0)
    .option('--out <dir>', 'experiment folder (default: runs/experiment-<name>-<time>)')
    .addOption(new Option('--progress <style>', 'progress output').choices(['bar', 'lines', 'none']));
  act(experiment, async (name: ExperimentName, o: Flags) => {
    checkData(o);
    await handlers.experiment(name, o);
  });

  const report = configure(
    program
      .command('report')
      .description('one self-contained HTML report from one or more run folders')
      .argument('<runs...>', 'run folders')
      .option('--out <file>', 'HTML file (default: <run>/report/index.html for one run, ./report.html for several)')
      .option('--title <text>', 'page title'),
  );
  act(report, async (runs: string[], o: { out?: string; title?: string }) => {
    for (const r of runs) checkFolder('run folder', r);
    await handlers.report(runs, o);
  });

  const saliency = configure(
    program.command('saliency').description('saliency maps (gradient of the loss w.r.t. the input) for chosen images'),
  );
  saliency.requiredOption('--model <path>', 'run folder or .safetensors file inside one');
  dataOptions(saliency, null);
  runtimeOptions(saliency)
    .addOption(
      new Option('--split <name>', 'which split the images come from').choices(['test', 'val']).default('test'),
    )
    .option('--images <i,j,...>', 'indices of the images in the split', indexList, [0, 1, 2, 3, 4, 5, 6, 7])
    .requiredOption('--out <dir>', 'folder for the PNG files and an index.html');
  act(saliency, async (o: Flags) => {
    checkFolder('--model', o.model);
    checkData(o);
    await handlers.saliency(o);
  });

  const fool = configure(
    program
      .command('fool')
      .description('fooling images: gradient steps on the input until the model says the target class'),
  );
  fool.requiredOption('--model <path>', 'run folder or .safetensors file inside one');
  dataOptions(fool, null);
  runtimeOptions(fool)
    .addOption(
      new Option('--split <name>', 'which split the image comes from').choices(['test', 'val']).default('test'),
    )
    .option(
      '--image <i>',
      'index of the starting image in the split (default: the first correctly classified one)',
      nonNegativeInt,
    )
    .option('--target <class>', 'target class index (default: one other than the true class)', nonNegativeInt)
    .addOption(
      new Option('--from <start>', 'start from a correctly classified image, from random noise, or both')
        .choices(['image', 'noise', 'both'])
        .default('both'),
    )
    .option('--threshold <p>', 'stop when the target probability reaches p', probability, 0.99)
    .option('--max-steps <k>', 'give up after k gradient steps', positiveInt, 500)
    .option('--step-size <x>', 'how far each pixel moves per step, as a fraction of its range', positiveNumber, 0.01)
    .option('--seed <k>', 'seed of the noise start', nonNegativeInt, 0)
    .requiredOption('--out <dir>', 'folder for the PNG files and an index.html');
  act(fool, async (o: Flags) => {
    checkFolder('--model', o.model);
    checkData(o);
    await handlers.fool(o);
  });

  const quick = configure(
    program
      .command('quickstart', { isDefault: true })
      .description(
        'the main job: train a ResNet on the embedded MNIST digits in a few minutes, then evaluate and report',
      ),
  );
  runtimeOptions(quick)
    .option('--out <dir>', 'run folder (default: runs/quickstart-<time>)')
    .option('--epochs <k>', 'override the epochs', positiveInt)
    .option('--train-size <k>', 'override the training images', positiveInt)
    .option('--seed <k>', 'seed', nonNegativeInt, 0)
    .addOption(new Option('--progress <style>', 'progress output').choices(['bar', 'lines', 'none']));
  act(quick, (o: Flags) => handlers.quickstart(o));

  addInteropCommands(program, configure, act, handlers);

  return program;
}

/** Runs the program on argv; returns the exit code instead of exiting, for tests. */
export async function runProgram(
  handlers: ProgramHandlers,
  argv: string[],
  io?: Parameters<typeof buildProgram>[1],
): Promise<number> {
  const program = buildProgram(handlers, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return 2;
    }
    const err = io?.err ?? ((s: string) => process.stderr.write(s));
    err(`${NAME}: ${(e as Error).message}\n`);
    if (process.env.FUNT_DEBUG) err(`${(e as Error).stack}\n`);
    return 1;
  }
}

/**
 * Train options exactly as `funt-resnet train <flags>` would have them, defaults included, so
 * that the quickstart and the experiments state only what they change.
 */
export async function trainOptionsFromFlags(flags: string[]): Promise<TrainOptions> {
  let captured: TrainOptions | null = null;
  const ignore = async () => {};
  let err = '';
  const code = await runProgram(
    {
      train: async (o) => void (captured = o),
      evaluate: ignore,
      experiment: ignore,
      report: ignore,
      saliency: ignore,
      fool: ignore,
      quickstart: ignore,
      exportModel: ignore,
      importTorch: ignore,
    },
    ['train', ...flags],
    { out: () => {}, err: (s) => void (err += s) },
  );
  if (code !== 0 || !captured) throw new UsageError(err.split('\n')[0] || `bad train flags: ${flags.join(' ')}`);
  return captured;
}
