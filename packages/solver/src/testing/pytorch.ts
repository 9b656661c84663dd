import { spawnSync } from 'node:child_process';
import type { OneCycleOptions } from '../schedule/one-cycle.js';

/** Test support: PyTorch's own numbers, from Debian's /usr/bin/python3 where torch is installed (not part of the package build). */

export const PYTHON = '/usr/bin/python3';

/** Null when `import torch` works in PYTHON, else why not (for the message of a skipped test). */
export function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} cannot be run (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} has no torch (${r.stderr.trim().split('\n').at(-1)})`;
  return null;
}

/** Runs a Python script that prints one JSON value, and returns it. */
export function runPython(script: string): unknown {
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${PYTHON} failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}

/**
 * PyTorch 1.13's OneCycleLR.get_lr, transliterated: the lr and momentum at `stepNum` of a cycle of
 * `totalSteps` with peak `maxLr`.
 */
export function pytorchOneCycle(
  o: OneCycleOptions,
  maxLr: number,
  totalSteps: number,
  stepNum: number,
): [number, number] {
  const group: Record<string, number> = {
    initial_lr: maxLr / o.divFactor,
    max_lr: maxLr,
    min_lr: maxLr / o.divFactor / o.finalDivFactor,
    max_momentum: o.maxMomentum,
    base_momentum: o.baseMomentum,
  };
  const phases = o.threePhase
    ? [
        {
          end_step: o.pctStart * totalSteps - 1,
          start_lr: 'initial_lr',
          end_lr: 'max_lr',
          start_momentum: 'max_momentum',
          end_momentum: 'base_momentum',
        },
        {
          end_step: 2 * o.pctStart * totalSteps - 2,
          start_lr: 'max_lr',
          end_lr: 'initial_lr',
          start_momentum: 'base_momentum',
          end_momentum: 'max_momentum',
        },
        {
          end_step: totalSteps - 1,
          start_lr: 'initial_lr',
          end_lr: 'min_lr',
          start_momentum: 'max_momentum',
          end_momentum: 'max_momentum',
        },
      ]
    : [
        {
          end_step: o.pctStart * totalSteps - 1,
          start_lr: 'initial_lr',
          end_lr: 'max_lr',
          start_momentum: 'max_momentum',
          end_momentum: 'base_momentum',
        },
        {
          end_step: totalSteps - 1,
          start_lr: 'max_lr',
          end_lr: 'min_lr',
          start_momentum: 'base_momentum',
          end_momentum: 'max_momentum',
        },
      ];
  const annealFunc =
    o.annealStrategy === 'cos'
      ? (start: number, end: number, pct: number) => {
          const cosOut = Math.cos(Math.PI * pct) + 1;
          return end + ((start - end) / 2.0) * cosOut;
        }
      : (start: number, end: number, pct: number) => (end - start) * pct + start;
  let startStep = 0;
  for (let i = 0; i < phases.length; i++) {
    const phase = phases[i];
    const endStep = phase.end_step;
    if (stepNum <= endStep || i === phases.length - 1) {
      const pct = (stepNum - startStep) / (endStep - startStep);
      return [
        annealFunc(group[phase.start_lr], group[phase.end_lr], pct),
        annealFunc(group[phase.start_momentum], group[phase.end_momentum], pct),
      ];
    }
    startStep = phase.end_step;
  }
  throw new Error('unreachable');
}
