/**
 * Runs the PyTorch side of the benchmark (bench/pytorch_resnet.py) with Debian's Python, one
 * process per configuration, and reads its measurements.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { configArgs, type StepConfig } from './config.js';
import { type Measurement, parseMeasurement } from './measurement.js';
import { benchSourceDir } from './paths.js';
import { parseScaling, type Scaling } from './scaling.js';

/** Debian's interpreter, where python3-torch is installed (not whatever python3 is first on PATH). */
export const PYTHON = '/usr/bin/python3';
const PYTORCH_SCRIPT = join(benchSourceDir, 'pytorch_resnet.py');

export type TorchStatus = { available: true; version: string } | { available: false; reason: string };

/** Whether `python` can import torch, and its version, or why not. */
export function torchStatus(python = PYTHON): TorchStatus {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { available: false, reason: `${python} could not be run (${r.error.message})` };
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    return { available: false, reason: `${python} -c "import torch" failed: ${last}` };
  }
  return { available: true, version: r.stdout.trim() };
}

/** Runs the script with `flags`; its stdout and the command line that names it in errors. */
function runScript(flags: string[], python: string, script: string): { stdout: string; source: string } {
  const args = [script, ...flags];
  const r = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  const source = `${python} ${args.map((a) => (a === script ? 'pytorch_resnet.py' : a)).join(' ')}`;
  if (r.error) throw new Error(`${source}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${source} exited with code ${r.status}`);
  return { stdout: r.stdout, source };
}

/** Measures one configuration in a fresh Python process (its own peak RSS). */
export function runPytorch(config: StepConfig, python = PYTHON, script = PYTORCH_SCRIPT): Measurement {
  const { stdout, source } = runScript(configArgs(config), python, script);
  return parseMeasurement(stdout, source);
}

/** The paired speed-up of `threads` over 1 (scaling.ts) in a fresh Python process. */
export function runPytorchScaling(flags: string[], python = PYTHON, script = PYTORCH_SCRIPT): Scaling {
  const { stdout, source } = runScript(['--paired', ...flags], python, script);
  return parseScaling(stdout, source);
}
