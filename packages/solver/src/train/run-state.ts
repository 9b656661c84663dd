import { Rng, type RngState } from '@funt/tensor';
import type { CheckpointState } from './checkpoint-file.js';
import { loadModuleRngs, saveModuleRngs } from './module-rngs.js';

/** The part of a checkpoint's state that RunState saves and restores. */
type SavedRunState = Pick<
  CheckpointState,
  | 'epoch'
  | 'iterationInEpoch'
  | 'iteration'
  | 'imagesSeen'
  | 'shuffleRng'
  | 'augmentRng'
  | 'moduleRngs'
  | 'epochLossSum'
  | 'epochTrainSeconds'
  | 'epochLearningRate'
>;

/**
 * Where a run is, and what decides what comes next: the counters, the data-order and
 * augmentation generators, and the running sums of the epoch in progress.
 *
 * Exact resume rests on this class. An epoch's order is redrawn from the data-order generator
 * as it was when the epoch began, and the augmentation and dropout generators are saved as
 * they were before the iteration in progress, so a run resumed from a checkpoint draws the
 * same orders, augmentations and dropout masks as one that never stopped.
 */
export class RunState {
  /** Epochs completed: the 0-based epoch in progress. */
  epoch = 0;
  /** Iterations of the epoch in progress already done. */
  iterationInEpoch = 0;
  /** Iterations and training images since the start of the run. */
  iteration = 0;
  imagesSeen = 0;
  /** Running sums of the epoch in progress. */
  epochLossSum = 0;
  epochTrainSeconds = 0;
  /** The rate at the epoch's first iteration. */
  epochLearningRate = 0;
  /** Draws each epoch's order and the training examples of its accuracy check. */
  readonly shuffleRng: Rng;
  /** Handed to the augmentation hook. */
  readonly augmentRng: Rng;
  /** The data-order generator when the epoch in progress began. */
  private epochShuffleState: RngState;
  /** True between drawing an epoch's order and finishing the epoch. */
  private inEpoch = false;
  /** The augmentation generator before the iteration in progress (null between iterations). */
  private iterationAugmentState: RngState | null = null;
  /** The model's own generators (dropout) before the iteration in progress. */
  private iterationModuleRngs: Record<string, RngState> | null = null;

  constructor(seed: number) {
    const root = new Rng(seed);
    this.shuffleRng = root.fork();
    this.augmentRng = root.fork();
    this.epochShuffleState = this.shuffleRng.getState();
  }

  /**
   * Begins (or, after a resume mid-epoch, re-enters) the epoch in progress and returns its
   * order: a permutation of the n training examples drawn from the data-order generator as it
   * was when the epoch began.
   */
  startEpoch(n: number): Int32Array {
    if (this.iterationInEpoch === 0) {
      this.epochShuffleState = this.shuffleRng.getState();
      this.epochLossSum = 0;
      this.epochTrainSeconds = 0;
    } else {
      this.shuffleRng.setState(this.epochShuffleState);
    }
    const order = this.shuffleRng.permutation(n);
    this.inEpoch = true;
    return order;
  }

  /** Keeps the generators as they are before an iteration, for a checkpoint written while it runs. */
  startIteration(model: object): void {
    this.iterationAugmentState = this.augmentRng.getState();
    this.iterationModuleRngs = saveModuleRngs(model);
  }

  /** Counts a completed iteration of `images` examples, its loss and its training time. */
  endIteration(images: number, loss: number, seconds: number): void {
    this.iterationAugmentState = null;
    this.iterationModuleRngs = null;
    this.epochTrainSeconds += seconds;
    this.iterationInEpoch++;
    this.iteration++;
    this.imagesSeen += images;
    this.epochLossSum += loss;
  }

  endEpoch(): void {
    this.epoch++;
    this.iterationInEpoch = 0;
    this.inEpoch = false;
  }

  /** The state to checkpoint: inside an epoch, the data-order generator as the epoch began; inside an iteration, the generators before it. */
  save(model: object): SavedRunState {
    return {
      epoch: this.epoch,
      iterationInEpoch: this.iterationInEpoch,
      iteration: this.iteration,
      imagesSeen: this.imagesSeen,
      shuffleRng: this.inEpoch ? this.epochShuffleState : this.shuffleRng.getState(),
      augmentRng: this.iterationAugmentState ?? this.augmentRng.getState(),
      moduleRngs: this.iterationModuleRngs ?? saveModuleRngs(model),
      epochLossSum: this.epochLossSum,
      epochTrainSeconds: this.epochTrainSeconds,
      epochLearningRate: this.epochLearningRate,
    };
  }

  /** Continues from a saved state: the next startEpoch redraws the epoch's order. */
  restore(state: SavedRunState, model: object): void {
    this.shuffleRng.setState(state.shuffleRng);
    this.epochShuffleState = state.shuffleRng;
    this.augmentRng.setState(state.augmentRng);
    loadModuleRngs(model, state.moduleRngs);
    this.iterationAugmentState = null;
    this.iterationModuleRngs = null;
    this.inEpoch = false;
    this.epoch = state.epoch;
    this.iterationInEpoch = state.iterationInEpoch;
    this.iteration = state.iteration;
    this.imagesSeen = state.imagesSeen;
    this.epochLossSum = state.epochLossSum;
    this.epochTrainSeconds = state.epochTrainSeconds;
    this.epochLearningRate = state.epochLearningRate;
  }
}
