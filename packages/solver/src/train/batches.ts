import type { Rng, Tensor } from '@funt/tensor';
import { BatchGatherer } from '../batch-gatherer.js';
import type { TrainingData } from '../data.js';
import type { AugmentHook } from './options.js';

/** A batch ready for the model. */
export interface TrainingBatch {
  input: Tensor;
  labels: Int32Array;
  /** True when the augmentation hook returned a new tensor: the iteration disposes it. */
  owned: boolean;
}

/**
 * Prepares the training batches: the examples `order[from..to)` gathered into one batch
 * tensor on the active backend, allocated once, then handed to the augmentation hook with the
 * run's augmentation generator.
 */
export class TrainingBatches {
  private readonly gatherer: BatchGatherer;

  constructor(
    private readonly data: TrainingData,
    batchSize: number,
    private readonly augment: AugmentHook | null,
    private readonly rng: Rng,
  ) {
    this.gatherer = new BatchGatherer(data.xTrain, batchSize);
  }

  prepare(order: Int32Array, from: number, to: number): TrainingBatch {
    const { x, y } = this.gatherer.gather(order, from, to, this.data.yTrain);
    const input = this.augment ? this.augment(x, this.rng) : x;
    return { input, labels: y, owned: input !== x };
  }

  dispose(): void {
    this.gatherer.dispose();
  }
}
