import { clone, type Tensor } from '@funt/tensor';
import type { TrainingData } from '../data.js';
import { History } from '../history.js';
import type { LossFunction, TrainableModel } from '../model.js';
import type { UpdateRule } from '../optim/update-rule.js';
import type { Schedule } from '../schedule/schedule.js';
import { BestModel } from './best.js';
import type { RunEvents } from './events.js';
import type { TrainingOptions } from './options.js';
import { RunState } from './run-state.js';

/**
 * One training run: what it trains (model, criterion, data), how (options, update rule,
 * schedule), and what changes as it goes (its RunState, best model and histories). A Solver
 * holds one; the loop, the checkpoints and the checks in this folder work on it.
 */
export class TrainingRun {
  readonly state: RunState;
  readonly best = new BestModel();
  history = new History();
  /** The checkpoint last written or loaded, named when the loss stops being finite. */
  lastCheckpoint: string | null = null;
  /** Set by a stop request (requestStop, a signal): train() stops after the current iteration. */
  stopRequested = false;
  /** True while the update rule runs: the parameters are then half updated and must not be checkpointed. */
  updating = false;
  /**
   * The model's own state while the model holds the best parameters after an interrupt: what
   * checkpoints save as the model, and what a later train() continues from.
   */
  liveState: Record<string, Tensor> | null = null;

  constructor(
    readonly model: TrainableModel,
    readonly criterion: LossFunction,
    readonly data: TrainingData,
    readonly options: Readonly<TrainingOptions>,
    readonly rule: UpdateRule,
    readonly schedule: Schedule,
    readonly events: RunEvents,
  ) {
    this.state = new RunState(options.seed);
  }

  /** The state dict training continues from: the model's, or the one set aside while the best is shown. */
  trainingState(): Record<string, Tensor> {
    return this.liveState ?? this.model.stateDict();
  }

  /**
   * Loads the best parameters into the model (when `restoreBest` and a best exists), setting
   * the model's own state aside first. Returns whether the model now holds the best.
   */
  showBest(): boolean {
    const best = this.best.state;
    if (!this.options.restoreBest || !best) return false;
    if (!this.liveState) {
      const live: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(this.model.stateDict())) live[k] = clone(t);
      this.liveState = live;
    }
    this.best.restoreInto(this.model);
    return true;
  }

  /** Puts the set-aside training state back into the model (before training goes on or a checkpoint loads). */
  takeBackLiveState(): void {
    const live = this.liveState;
    if (!live) return;
    this.model.loadStateDict(live, { strict: true });
    for (const t of Object.values(live)) t.dispose();
    this.liveState = null;
  }
}
