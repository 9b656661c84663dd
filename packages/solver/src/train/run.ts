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
}
