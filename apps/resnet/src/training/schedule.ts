import type { ScheduleState } from '@funt/solver';
import { UsageError } from '../errors.js';

/**
 * Learning-rate schedules as the CLI spells them. The seed's CIFAR recipe is `step:80,120:0.1`
 * (×0.1 at epochs 80 and 120 of 160).
 *   constant               the base rate throughout
 *   step:E1,E2,...:F       multiply by F after each listed epoch (1-based: after epoch 80 = from the 81st)
 *   exp:D                  multiply by D after every epoch (PyFunt's lr_decay)
 *   cosine                 half a cosine from the base rate to 0 over the run
 *   one-cycle[:P]          PyTorch's OneCycleLR over the run, the base rate being its max_lr
 *                          (P: the fraction of the run spent rising, default 0.3)
 */
export type ScheduleSpec =
  | { kind: 'constant' }
  | { kind: 'step'; milestones: number[]; factor: number }
  | { kind: 'exp'; decay: number }
  | { kind: 'cosine' }
  | { kind: 'one-cycle'; pctStart: number };

/** What `--schedule` accepts, for help texts and errors. */
export const SCHEDULE_FORMS = 'constant, step:E1,E2,...:FACTOR, exp:DECAY, cosine or one-cycle[:PCT_START]';

/**
 * Parses the `--schedule` flag: `constant`, `step:E1,E2,...:FACTOR`, `exp:DECAY`, `cosine` or
 * `one-cycle[:PCT_START]`. Throws a UsageError quoting the text otherwise.
 *
 * @example
 * ```ts
 * parseSchedule('step:80,120:0.1'); // { kind: 'step', milestones: [80, 120], factor: 0.1 }
 * ```
 */
export function parseSchedule(text: string): ScheduleSpec {
  const bad = (why: string) => new UsageError(`${why}; expected ${SCHEDULE_FORMS}, got '${text}'`);
  if (text === 'constant' || text === 'cosine') return { kind: text };
  const [kind, a, b, ...rest] = text.split(':');
  if (kind === 'one-cycle' && b === undefined) {
    const pctStart = a === undefined ? 0.3 : Number(a);
    if (a === '' || !(pctStart > 0 && pctStart < 1)) throw bad('the rising fraction must be in (0, 1)');
    return { kind: 'one-cycle', pctStart };
  }
  if (kind === 'exp' && a !== undefined && b === undefined) {
    const decay = Number(a);
    if (!(decay > 0 && decay <= 1)) throw bad('the decay must be in (0, 1]');
    return { kind: 'exp', decay };
  }
  if (kind === 'step' && a !== undefined && b !== undefined && rest.length === 0) {
    const milestones = a.split(',').map(Number);
    const factor = Number(b);
    if (!milestones.every((m) => Number.isInteger(m) && m > 0)) throw bad('milestones must be positive integers');
    if (!(factor > 0)) throw bad('the factor must be > 0');
    return { kind: 'step', milestones: [...new Set(milestones)].sort((x, y) => x - y), factor };
  }
  throw bad('unknown schedule');
}

/**
 * The schedule as @funt/solver describes it (its epochs count from 0, so "after epoch 80" of
 * the CLI is its milestone 80: epochs 0–79 at the full rate). One-cycle spans the whole run
 * and cycles the update rule's momentum between 0.85 and 0.95 as PyTorch does, unless
 * `cycleMomentum` is false (rules without a momentum: plain SGD, RMSprop).
 */
export function toSolverSchedule(spec: ScheduleSpec, totalEpochs: number, cycleMomentum = true): ScheduleState {
  switch (spec.kind) {
    case 'constant':
      return { type: 'constant' };
    case 'step':
      return { type: 'multistep', milestones: spec.milestones, gamma: spec.factor };
    case 'exp':
      return { type: 'exponential', decay: spec.decay };
    case 'cosine':
      return { type: 'cosine', epochs: totalEpochs };
    case 'one-cycle':
      return { type: 'onecycle', epochs: totalEpochs, pctStart: spec.pctStart, cycleMomentum };
  }
}

export function scheduleToString(spec: ScheduleSpec): string {
  switch (spec.kind) {
    case 'step':
      return `step:${spec.milestones.join(',')}:${spec.factor}`;
    case 'exp':
      return `exp:${spec.decay}`;
    case 'one-cycle':
      return `one-cycle:${spec.pctStart}`;
    default:
      return spec.kind;
  }
}
