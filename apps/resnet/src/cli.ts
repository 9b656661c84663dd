#!/usr/bin/env node
/**
 * funt-resnet: the command-line entry point. Command modules load lazily, so that `--help` and
 * bad flags answer at once.
 */
import type { EvalOptions, ExperimentName, TrainOptions } from './cli/options.js';
import { type ProgramHandlers, runProgram } from './cli/program.js';
import type { ExperimentOptions } from './commands/experiment.js';
import type { FoolCommandOptions, SaliencyOptions } from './commands/inspect.js';
import type { QuickstartOptions } from './commands/quickstart.js';

const handlers: ProgramHandlers = {
  async train(o: TrainOptions) {
    await (await import('./commands/train.js')).train(o);
  },
  async evaluate(o: EvalOptions) {
    await (await import('./commands/eval.js')).evalCommand(o);
  },
  async experiment(name: ExperimentName, o) {
    await (await import('./commands/experiment.js')).experiment(name, o as ExperimentOptions);
  },
  async report(runs, o) {
    await (await import('./commands/report.js')).report(runs, o);
  },
  async saliency(o) {
    await (await import('./commands/inspect.js')).saliencyCommand(o as SaliencyOptions);
  },
  async fool(o) {
    await (await import('./commands/inspect.js')).foolCommand(o as FoolCommandOptions);
  },
  async quickstart(o) {
    await (await import('./commands/quickstart.js')).quickstart(o as QuickstartOptions);
  },
  async exportModel(o) {
    (await import('./interop/commands.js')).exportCommand(o);
  },
  async importTorch(weights, o) {
    (await import('./interop/commands.js')).importCommand({ ...o, weights });
  },
};

process.exitCode = await runProgram(handlers, process.argv.slice(2));
