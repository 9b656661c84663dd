import { isBoolean, numberIn, oneOf } from '../checks.js';
import { SolverConfigError } from '../errors.js';
import { OptionsSchedule, positiveEpochs } from './schedule.js';

/** Options of `OneCycleSchedule`, as PyTorch's OneCycleLR names them; `epochs` is required. */
export interface OneCycleOptions {
  /** Length of the cycle in epochs (PyTorch's `epochs`); afterwards the factor stays at its final value. */
  epochs: number;
  /** Fraction of the cycle spent raising the rate (default 0.3). */
  pctStart: number;
  /** 'cos' (default) or 'linear' interpolation within a phase. */
  annealStrategy: 'cos' | 'linear';
  /** The rate starts at learningRate / divFactor (default 25). */
  divFactor: number;
  /** ... and ends at learningRate / divFactor / finalDivFactor (default 1e4). */
  finalDivFactor: number;
  /** Three phases (up, down to the start, down to the end) instead of two (default false). */
  threePhase: boolean;
  /** Cycle the update rule's momentum (Adam's beta1) inversely to the rate (default true, as in PyTorch). */
  cycleMomentum: boolean;
  /** Momentum at the peak of the rate (default 0.85) ... */
  baseMomentum: number;
  /** ... and at its ends (default 0.95). */
  maxMomentum: number;
}

/** One phase: from the step after the previous phase's end to `endStep`, values from start to end. */
interface Phase {
  endStep: number;
  startLr: number;
  endLr: number;
  startMomentum: number;
  endMomentum: number;
}

/** PyTorch's defaults (epochs has none: it is required). */
export const ONE_CYCLE_DEFAULTS: OneCycleOptions = {
  epochs: 1,
  pctStart: 0.3,
  annealStrategy: 'cos',
  divFactor: 25,
  finalDivFactor: 1e4,
  threePhase: false,
  cycleMomentum: true,
  baseMomentum: 0.85,
  maxMomentum: 0.95,
};

const anneal = {
  // PyTorch's _annealing_cos and _annealing_linear, term for term.
  cos: (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1),
  linear: (start: number, end: number, pct: number) => (end - start) * pct + start,
};

/**
 * The one-cycle policy (Smith & Topin, "Super-convergence") with the semantics of PyTorch's
 * OneCycleLR: the rule's configured learningRate is PyTorch's max_lr; the rate rises from
 * max_lr/divFactor to max_lr over the first pctStart of the steps, then falls to
 * max_lr/divFactor/finalDivFactor (threePhase: falls back to the start first, then to the end),
 * and the momentum moves the other way between maxMomentum and baseMomentum.
 *
 * A step is one iteration: the solver passes the iterations per epoch, and the fractional epoch
 * e + i/N is step e·N + i of the cycle's epochs·N, so every iteration gets exactly PyTorch's
 * value for that step (stepped per iteration with steps_per_epoch N). Called without the
 * iterations per epoch, a step is one epoch (steps_per_epoch 1).
 */
export class OneCycleSchedule extends OptionsSchedule<OneCycleOptions> {
  constructor(options: Partial<OneCycleOptions> & { epochs: number }) {
    if (options?.epochs === undefined)
      throw new SolverConfigError("schedule 'onecycle': option 'epochs' (length of the cycle) is required");
    super(
      'onecycle',
      ONE_CYCLE_DEFAULTS,
      {
        epochs: positiveEpochs,
        pctStart: numberIn(0, 1),
        annealStrategy: oneOf(['cos', 'linear']),
        divFactor: numberIn(0, Infinity, { exclusiveMin: true }),
        finalDivFactor: numberIn(0, Infinity, { exclusiveMin: true }),
        threePhase: isBoolean,
        cycleMomentum: isBoolean,
        baseMomentum: numberIn(0, 1),
        maxMomentum: numberIn(0, 1),
      },
      options,
    );
  }

  factor(epoch: number, iterationsPerEpoch = 1): number {
    return this.at(epoch, iterationsPerEpoch, 'lr');
  }

  /** The momentum at that point, or null when cycleMomentum is off. */
  momentum(epoch: number, iterationsPerEpoch = 1): number | null {
    return this.options.cycleMomentum ? this.at(epoch, iterationsPerEpoch, 'momentum') : null;
  }

  /** PyTorch's OneCycleLR.get_lr at the step of `epoch`, with max_lr 1. */
  private at(epoch: number, iterationsPerEpoch: number, what: 'lr' | 'momentum'): number {
    const phases = this.phases(iterationsPerEpoch);
    const totalSteps = Math.round(this.options.epochs * iterationsPerEpoch);
    // Past the cycle the last step's value holds (PyTorch raises an error there).
    const step = Math.min(Math.max(Math.round(epoch * iterationsPerEpoch), 0), totalSteps - 1);
    let startStep = 0;
    for (let i = 0; i < phases.length; i++) {
      const p = phases[i];
      if (step <= p.endStep || i === phases.length - 1) {
        // A phase of no length (pctStart·steps = 1, where PyTorch divides by zero) is at its end.
        const pct = p.endStep === startStep ? 1 : (step - startStep) / (p.endStep - startStep);
        const f = anneal[this.options.annealStrategy];
        return what === 'lr' ? f(p.startLr, p.endLr, pct) : f(p.startMomentum, p.endMomentum, pct);
      }
      startStep = p.endStep;
    }
    throw new Error('unreachable: the last phase always applies');
  }

  /** PyTorch's _schedule_phases for a cycle of epochs·iterationsPerEpoch steps. */
  private phases(iterationsPerEpoch: number): Phase[] {
    const o = this.options;
    const totalSteps = Math.round(o.epochs * iterationsPerEpoch);
    if (totalSteps < 1) {
      throw new SolverConfigError(
        `schedule 'onecycle': a cycle of ${o.epochs} epochs of ${iterationsPerEpoch} iterations has no step`,
      );
    }
    const initial = 1 / o.divFactor;
    const min = initial / o.finalDivFactor;
    const { baseMomentum: base, maxMomentum: max } = o;
    const up = o.pctStart * totalSteps - 1;
    if (!o.threePhase) {
      return [
        { endStep: up, startLr: initial, endLr: 1, startMomentum: max, endMomentum: base },
        { endStep: totalSteps - 1, startLr: 1, endLr: min, startMomentum: base, endMomentum: max },
      ];
    }
    return [
      { endStep: up, startLr: initial, endLr: 1, startMomentum: max, endMomentum: base },
      { endStep: 2 * o.pctStart * totalSteps - 2, startLr: 1, endLr: initial, startMomentum: base, endMomentum: max },
      { endStep: totalSteps - 1, startLr: initial, endLr: min, startMomentum: max, endMomentum: max },
    ];
  }
}
