import { type Rng, Tensor } from '@funt/tensor';
import { BatchGatherer } from '../batch-gatherer.js';
import type { TrainingData } from '../data.js';
import { SolverConfigError } from '../errors.js';
import { platform } from '../platform/platform.js';
import type { AugmentHook } from './options.js';
import type { RowPrefetcher } from './row-prefetch.js';

/** A batch ready for the model. */
export interface TrainingBatch {
  input: Tensor;
  labels: Int32Array;
  /** True when the augmentation hook returned a new tensor: the iteration disposes it. */
  owned: boolean;
}

/** The batch whose rows a worker is reading: which epoch order, from which position, in which slot. */
interface Requested {
  order: Int32Array;
  from: number;
  to: number;
  slot: number;
}

/**
 * Prepares the training batches: the examples `order[from..to)` gathered into one batch
 * tensor on the active backend, allocated once, then handed to the augmentation hook with the
 * run's augmentation generator. With `prepareInWorker` a worker reads the rows: each call
 * takes the rows it asked for before and asks for the next batch's (the same order, the next
 * positions), which the worker reads while the kernels run this one. Only the reads move; the
 * augmentation stays here, on the backend, with the same generator.
 */
export class TrainingBatches {
  private readonly gatherer: BatchGatherer;
  private readonly prefetcher: RowPrefetcher | null;
  private next: Requested | null = null;
  private slot = 0;

  constructor(
    private readonly data: TrainingData,
    private readonly batchSize: number,
    private readonly augment: AugmentHook | null,
    private readonly rng: Rng,
    inWorker = false,
  ) {
    this.gatherer = new BatchGatherer(data.xTrain, batchSize);
    this.prefetcher = inWorker ? startPrefetcher(data, batchSize) : null;
  }

  prepare(order: Int32Array, from: number, to: number): TrainingBatch {
    const { x, y } = this.prefetcher
      ? this.gatherer.gatherFrom((dst) => this.take(order, from, to, dst), order, from, to, this.data.yTrain)
      : this.gatherer.gather(order, from, to, this.data.yTrain);
    const input = this.augment ? this.augment(x, this.rng) : x;
    return { input, labels: y, owned: input !== x };
  }

  /** The rows of `order[from..to)` from the worker (asked for now unless asked for before), then asks for the next batch's. */
  private take(order: Int32Array, from: number, to: number, dst: Float32Array | Float64Array): void {
    const prefetcher = this.prefetcher!;
    let current = this.next;
    if (!current || current.order !== order || current.from !== from || current.to !== to) {
      if (current) prefetcher.take(current.slot, dst); // a stale request: let it finish first
      current = this.request(order, from, to);
    }
    const n = order.length;
    this.next = to < n ? this.request(order, to, Math.min(to + this.batchSize, n)) : null;
    prefetcher.take(current.slot, dst);
  }

  private request(order: Int32Array, from: number, to: number): Requested {
    const slot = this.slot;
    this.slot = 1 - slot;
    this.prefetcher!.request(slot, order.subarray(from, to));
    return { order, from, to, slot };
  }

  dispose(): void {
    this.prefetcher?.close();
    this.gatherer.dispose();
  }
}

function startPrefetcher(data: TrainingData, capacity: number): RowPrefetcher {
  const start = platform().rowPrefetcher;
  if (!start) throw new SolverConfigError('prepareInWorker needs worker threads, which this platform does not have');
  if (data.xTrain instanceof Tensor) {
    throw new SolverConfigError('prepareInWorker reads an ExampleSource in a worker; data.xTrain is a Tensor');
  }
  return start(data.xTrain, capacity);
}
