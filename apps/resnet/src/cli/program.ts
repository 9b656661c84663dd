import { Command, CommanderError } from 'commander';
import { distance } from 'fastest-levenshtein';
import type { EvalOptions } from '../commands/eval.js';
import type { ExperimentName, ExperimentOptions } from '../commands/experiment.js';
import type { ExportCommandOptions } from '../commands/export.js';
import type { FoolCommandOptions } from '../commands/fool.js';
import type { ImportCommandOptions } from '../commands/import.js';
import type { PredictCommandOptions } from '../commands/predict.js';
import type { QuickstartOptions } from '../commands/quickstart.js';
import type { ReportCommandOptions } from '../commands/report.js';
import type { SaliencyOptions } from '../commands/saliency.js';
import type { SummaryOptions } from '../commands/summary.js';
import { InterruptedError } from '../errors.js';
import type { TrainOptions } from '../training/recipes.js';
import { evalSubcommand } from './subcommands/eval.js';
import { experimentSubcommand } from './subcommands/experiment.js';
import { exportSubcommand } from './subcommands/export.js';
import { foolSubcommand } from './subcommands/fool.js';
import { importSubcommand } from './subcommands/import.js';
import { predictSubcommand } from './subcommands/predict.js';
import { quickstartSubcommand } from './subcommands/quickstart.js';
import { reportSubcommand } from './subcommands/report.js';
import { saliencySubcommand } from './subcommands/saliency.js';
import { summarySubcommand } from './subcommands/summary.js';
import { trainSubcommand } from './subcommands/train.js';

const NAME = 'funt-resnet';

/**
 * One handler per command, called with the checked flags. cli.ts runs the commands (loaded
 * lazily, so that `--help` and bad flags answer at once); tests record the calls.
 */
export interface ProgramHandlers {
  /** `train`: trains a network into a run folder. */
  train(o: TrainOptions): Promise<void>;
  /** `eval`: evaluates a saved model on a split. */
  evaluate(o: EvalOptions): Promise<void>;
  /** `experiment <name>`: one of the seed's experiments (a set of runs and a comparison report). */
  experiment(name: ExperimentName, o: ExperimentOptions): Promise<void>;
  /** `report <runs...>`: one HTML report from run folders. */
  report(runs: string[], o: ReportCommandOptions): Promise<void>;
  /** `saliency`: saliency maps of chosen images. */
  saliency(o: SaliencyOptions): Promise<void>;
  /** `fool`: fooling images. */
  fool(o: FoolCommandOptions): Promise<void>;
  /** `quickstart` (the default command): train, evaluate and report on the bundled MNIST digits. */
  quickstart(o: QuickstartOptions): Promise<void>;
  /** `export`: writes a saved model as ONNX. */
  exportModel(o: ExportCommandOptions): Promise<void>;
  /** `predict <images...>`: the classes a saved model gives image files. */
  predict(o: PredictCommandOptions): Promise<void>;
  /** `summary`: the layers, output shapes, parameters and multiply-accumulates of a network. */
  summary(o: SummaryOptions): Promise<void>;
  /** `import <weights>`: converts PyTorch ResNet weights (safetensors) into a saved funt model. */
  importTorch(weights: string, o: Omit<ImportCommandOptions, 'weights'>): Promise<void>;
}

/** Where the program writes its output and errors (default: stdout and stderr). */
export interface ProgramOutput {
  /** Writes help and version text. */
  out: (s: string) => void;
  /** Writes error messages and usage. */
  err: (s: string) => void;
}

/** The command names closest to a mistyped one (at most 2 edits away, and not most of the word). */
function closest(word: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = distance(word, name);
    if (d < bestDistance && d < 0.6 * Math.max(word.length, name.length)) [best, bestDistance] = [name, d];
  }
  return best;
}

/**
 * The command-line program. Every error the user can fix (unknown command, flag or value,
 * unknown data set, missing folder) prints one line and the usage, and exits with code 2.
 */
export function buildProgram(
  handlers: ProgramHandlers,
  io: ProgramOutput = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Command {
  const program = new Command(NAME);
  const configure = (cmd: Command) => {
    const name = `${NAME}${cmd === program ? '' : ` ${cmd.name()}`}`;
    return cmd
      .configureOutput({
        writeOut: io.out,
        writeErr: io.err,
        // Commander's messages start with "error: "; one line, naming the program and command.
        outputError: (str, write) => write(`${name}: ${str.replace(/^error: /, '').trim()}\n`),
      })
      .showHelpAfterError(`usage: ${name} ${cmd.usage()}\n(run '${name} --help' for the options)`)
      .exitOverride();
  };

  const subcommands = [
    trainSubcommand(handlers.train),
    evalSubcommand(handlers.evaluate),
    experimentSubcommand(handlers.experiment),
    reportSubcommand(handlers.report),
    saliencySubcommand(handlers.saliency),
    foolSubcommand(handlers.fool),
    quickstartSubcommand(handlers.quickstart),
    exportSubcommand(handlers.exportModel),
    importSubcommand(handlers.importTorch),
    summarySubcommand(handlers.summary),
    predictSubcommand(handlers.predict),
  ];
  for (const cmd of subcommands) program.addCommand(configure(cmd), { isDefault: cmd.name() === 'quickstart' });
  configure(program)
    .description('Deep residual networks (He et al. 2015) trained on the CPU with funt.')
    .version('0.1.0')
    .allowExcessArguments(false)
    // Commander hands a word that names no command to the default command (quickstart) as an
    // argument; a mistyped command is an error of its own instead.
    .hook('preSubcommand', (_, sub) => {
      const [word] = program.args;
      if (word === undefined || word.startsWith('-') || word === sub.name()) return;
      const near = closest(
        word,
        subcommands.map((c) => c.name()),
      );
      program.error(`unknown command '${word}'${near ? ` (did you mean '${near}'?)` : ''}`, {
        exitCode: 2,
        code: 'commander.unknownCommand',
      });
    });
  return program;
}

/** Runs the program on argv; returns the exit code instead of exiting, for tests. */
export async function runProgram(handlers: ProgramHandlers, argv: string[], io?: ProgramOutput): Promise<number> {
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
    if (e instanceof InterruptedError) {
      // What was saved, and how to continue, is already logged.
      err(`${NAME}: ${e.message}\n`);
      return e.exitCode;
    }
    err(`${NAME}: ${(e as Error).message}\n`);
    if (process.env.FUNT_DEBUG) err(`${(e as Error).stack}\n`);
    return 1;
  }
}
