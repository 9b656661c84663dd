import type { EpochRecord } from '../history.js';

/** Where training is after an iteration, and what it gave. */
export interface IterationInfo {
  /** 0-based epoch in progress. */
  epoch: number;
  /** 1-based iteration count of the run, and within the epoch. */
  iteration: number;
  iterationInEpoch: number;
  iterationsPerEpoch: number;
  loss: number;
  learningRate: number;
  /** The momentum a schedule set for the step (one-cycle), else null. */
  momentum: number | null;
  imagesSeen: number;
  /** The gradients' total 2-norm before clipping, when clipGradNorm is set; null otherwise. */
  gradNorm: number | null;
}

/** Why a checkpoint was written: every k epochs, on a stop request, on an error, at the end, or on request. */
export type CheckpointReason = 'periodic' | 'interrupt' | 'error' | 'final' | 'manual';

/**
 * What a run reports as it goes. The Solver passes each report on to the caller's
 * SolverEvents, adding itself as the last argument.
 */
export interface RunEvents {
  onIteration(info: IterationInfo): void;
  onEpochEnd(record: EpochRecord): void;
  /** A new best validation accuracy; its parameters were just kept. */
  onBest(record: EpochRecord): void;
  onCheckpoint(path: string, reason: CheckpointReason): void;
}
