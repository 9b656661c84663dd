import type { Tensor } from '@funt/tensor';

/**
 * What the solver needs from a model and a loss, as structural interfaces: any object with
 * these members trains, in particular the modules and criteria of @funt/layers.
 */

/** A trainable tensor and the gradient the last backward pass accumulated into it. */
export interface Parameter {
  name: string;
  value: Tensor;
  grad: Tensor;
}

/** A Torch-style module: explicit forward and backward, no autograd tape. */
export interface TrainableModel {
  /** Scores (logits or log-probabilities), N×K for a batch of N. */
  forward(x: Tensor): Tensor | Tensor[];
  /** Accumulates parameter gradients; returns the gradient w.r.t. x (unused here). */
  backward(x: Tensor, gradOutput: Tensor): unknown;
  /** Sets every parameter gradient to 0 (the solver calls it before each backward). */
  zeroGradParameters(): void;
  /** The same tensors, in the same order, on every call. */
  parameters(): Parameter[];
  /** Switch to training mode (batch statistics, dropout on). */
  training(): unknown;
  /** Switch to evaluation mode (running statistics, dropout off). */
  evaluate(): unknown;
  /** Every tensor that defines the model (parameters and buffers such as running means). */
  stateDict(): Record<string, Tensor>;
  /**
   * Copies `state` (from `stateDict`, or a checkpoint) into the model's tensors; throws on missing or
   * mis-shaped entries, and on unexpected ones unless `strict` is false.
   */
  loadStateDict(state: Record<string, Tensor>, options?: { strict?: boolean }): unknown;
}

/** A criterion on the model's output and integer class labels. */
export interface LossFunction {
  /** The mean loss over the batch. */
  forward(input: Tensor, target: Int32Array): number;
  /** d loss / d input. */
  backward(input: Tensor, target: Int32Array): Tensor;
}
