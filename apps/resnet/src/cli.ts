#!/usr/bin/env node
/**
 * funt-resnet: the command-line entry point. Command modules load lazily, so that `--help` and
 * bad flags answer at once.
 *
 * Relaxed SIMD is turned on first, before any kernel is compiled, so that the wasm backend loads
 * its relaxed-SIMD build (fused multiply-add) on Node 20 too, where V8 keeps the feature behind
 * --experimental-wasm-relaxed-simd; newer Node ships it on. FUNT_KERNELS=simd picks the
 * baseline build instead.
 */
import { enableRelaxedSimd } from '@funt/tensor';
import { type ProgramHandlers, runProgram } from './cli/program.js';
import { InterruptedError } from './errors.js';
import { loadNativeBackend } from './native-backend.js';

enableRelaxedSimd();

const handlers: ProgramHandlers = {
  async train(o) {
    const { result } = await (await import('./commands/train.js')).train(o);
    if (result.status === 'interrupted')
      throw new InterruptedError(`interrupted by ${result.signal ?? 'a stop request'}`, result.signal);
  },
  async evaluate(o) {
    await (await import('./commands/eval.js')).evalCommand(o);
  },
  async experiment(name, o) {
    await (await import('./commands/experiment.js')).experiment(name, o);
  },
  async report(runs, o) {
    await (await import('./commands/report.js')).report(runs, o);
  },
  async saliency(o) {
    await (await import('./commands/saliency.js')).saliencyCommand(o);
  },
  async fool(o) {
    await (await import('./commands/fool.js')).foolCommand(o);
  },
  async quickstart(o) {
    await (await import('./commands/quickstart.js')).quickstart(o);
  },
  async exportModel(o) {
    (await import('./commands/export.js')).exportCommand(o);
  },
  async predict(o) {
    await (await import('./commands/predict.js')).predictCommand(o);
  },
  async summary(o) {
    (await import('./commands/summary.js')).summaryCommand(o);
  },
  async importTorch(weights, o) {
    (await import('./commands/import.js')).importCommand({ ...o, weights });
  },
};

// The native backend, where it is installed and built, before any command picks a backend.
await loadNativeBackend();
process.exitCode = await runProgram(handlers, process.argv.slice(2));
