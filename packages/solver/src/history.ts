import { SolverConfigError } from './errors.js';
import { platform } from './platform/platform.js';

/** One training iteration. */
export interface IterationRecord {
  /** 1-based count of iterations since the start of the run. */
  iteration: number;
  /** Training images processed up to and including this iteration. */
  nImages: number;
  loss: number;
  learningRate: number;
  /** The momentum a schedule set for the step (one-cycle's cycleMomentum). */
  momentum?: number;
  /** The gradients' total 2-norm before clipping (recorded when clipGradNorm is set). */
  gradNorm?: number;
}

/** One completed epoch. */
export interface EpochRecord {
  /** 1-based: the number of epochs completed. */
  epoch: number;
  trainAcc: number;
  trainTopK: number;
  valAcc: number;
  valTopK: number;
  /** Mean training loss over the epoch's iterations. */
  meanLoss: number;
  /** Training throughput of the epoch (iterations only, accuracy checks excluded). */
  imagesPerSecond: number;
  /** The rate at the epoch's first iteration. */
  learningRate: number;
  /** Wall-clock seconds of the epoch including the accuracy checks. */
  seconds: number;
}

/**
 * Why training stopped: it reached `numEpochs`, ran out of `patience`, was interrupted by a
 * stop request, or diverged (a DivergenceError).
 */
export type StopReason = 'numEpochs' | 'patience' | 'interrupt' | 'divergence';

/** How a run ended, as history.json records it. */
export interface StopRecord {
  reason: StopReason;
  /** Epochs and iterations done when it stopped. */
  epochs: number;
  iterations: number;
  /** The same in words (the error's message for a divergence). */
  message: string;
}

/** Names of the files `History.write` produces in a folder. */
export const HISTORY_FILES = {
  loss: 'loss_history.csv',
  trainAcc: 'train_acc_history.csv',
  valAcc: 'val_acc_history.csv',
  json: 'history.json',
} as const;

/**
 * The histories of a run. The CSVs are as PyFunt wrote them: `iteration,n_images,loss`,
 * `epoch,train_acc` and `epoch,val_acc`; the JSON file holds every recorded field.
 */
export class History {
  iterations: IterationRecord[] = [];
  epochs: EpochRecord[] = [];
  /** How the run ended; null while it runs. */
  stop: StopRecord | null = null;

  /** `iteration,n_images,loss`, one row per recorded iteration (the loss_history.csv file). */
  lossCsv(): string {
    return csv(
      ['iteration', 'n_images', 'loss'],
      this.iterations.map((r) => [r.iteration, r.nImages, r.loss]),
    );
  }

  /** `epoch,train_acc`, one row per epoch (the train_acc_history.csv file). */
  trainAccCsv(): string {
    return csv(
      ['epoch', 'train_acc'],
      this.epochs.map((r) => [r.epoch, r.trainAcc]),
    );
  }

  /** `epoch,val_acc`, one row per epoch (the val_acc_history.csv file). */
  valAccCsv(): string {
    return csv(
      ['epoch', 'val_acc'],
      this.epochs.map((r) => [r.epoch, r.valAcc]),
    );
  }

  /**
   * Every recorded field of every iteration and epoch, and how the run ended; `History.fromJSON`
   * reads it back.
   */
  toJSON(): { iterations: IterationRecord[]; epochs: EpochRecord[]; stop?: StopRecord } {
    return { iterations: this.iterations, epochs: this.epochs, ...(this.stop ? { stop: this.stop } : {}) };
  }

  /** Restores histories from `toJSON()` output (e.g. a checkpoint's metadata; `stop` may be absent). */
  static fromJSON(json: unknown): History {
    const h = new History();
    const j = json as { iterations?: unknown; epochs?: unknown; stop?: unknown };
    if (!j || !Array.isArray(j.iterations) || !Array.isArray(j.epochs)) {
      throw new SolverConfigError('history: expected { iterations: [...], epochs: [...] }');
    }
    h.iterations = j.iterations as IterationRecord[];
    h.epochs = j.epochs as EpochRecord[];
    h.stop = (j.stop as StopRecord | undefined) ?? null;
    return h;
  }

  /** Writes the three CSV files and history.json into `dir` (each atomically). */
  write(dir: string): void {
    const { files } = platform();
    files.writeText(dir, HISTORY_FILES.loss, this.lossCsv());
    files.writeText(dir, HISTORY_FILES.trainAcc, this.trainAccCsv());
    files.writeText(dir, HISTORY_FILES.valAcc, this.valAccCsv());
    files.writeText(dir, HISTORY_FILES.json, JSON.stringify(this.toJSON(), null, 1));
  }
}

/** Numbers print in JavaScript's shortest round-tripping form, so a CSV reads back exactly. */
function csv(header: string[], rows: number[][]): string {
  return `${header.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}${rows.length ? '\n' : ''}`;
}
