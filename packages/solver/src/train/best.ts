import { clone, copy, type Tensor } from '@funt/tensor';
import type { TrainableModel } from '../model.js';
import { platform } from '../platform/platform.js';

/**
 * The best model of a run by validation accuracy: the accuracy, its epoch, and a copy of the
 * model's state dict then (buffers allocated on the first improvement, reused afterwards).
 */
export class BestModel {
  /** -1 before the first epoch ends, so that any accuracy improves on it. */
  valAcc = -1;
  /** 1-based epoch of the best accuracy (0 if none). */
  epoch = 0;
  private kept: Record<string, Tensor> | null = null;

  /** The kept state dict (null before the first epoch ends). */
  get state(): Record<string, Tensor> | null {
    return this.kept;
  }

  /** Keeps the model's state when `valAcc` beats the best so far; returns whether it did. */
  consider(valAcc: number, epoch: number, model: TrainableModel): boolean {
    if (!(valAcc > this.valAcc)) return false;
    this.valAcc = valAcc;
    this.epoch = epoch;
    const state = model.stateDict();
    if (!this.kept) {
      this.kept = {};
      for (const [k, t] of Object.entries(state)) this.kept[k] = clone(t);
    } else {
      for (const [k, t] of Object.entries(state)) copy(t, this.kept[k]);
    }
    return true;
  }

  /** Loads the kept state into the model (nothing before the first epoch ends). */
  restoreInto(model: TrainableModel): void {
    if (this.kept) model.loadStateDict(this.kept, { strict: true });
  }

  /** Takes over a checkpoint's best model (its tensors are this object's from now on). */
  load(valAcc: number, epoch: number, state: Record<string, Tensor> | null): void {
    for (const t of Object.values(this.kept ?? {})) t.dispose();
    this.valAcc = valAcc;
    this.epoch = epoch;
    this.kept = state;
  }

  /** The first entry of the model's state dict that the kept state lacks, if any. */
  missingFrom(model: TrainableModel): string | undefined {
    const kept = this.kept;
    if (!kept) return undefined;
    return Object.keys(model.stateDict()).find((name) => !(name in kept));
  }

  /**
   * Writes the kept state dict (the model's own before the first epoch ends) as a
   * safetensors file, with `metadata` and the best epoch and accuracy.
   */
  export(path: string, metadata: Record<string, string>, model: TrainableModel): void {
    platform().files.saveTensors(this.kept ?? model.stateDict(), path, {
      ...metadata,
      'funt.best': JSON.stringify({ epoch: this.epoch, valAcc: Math.max(this.valAcc, 0) }),
    });
  }
}
