import { type Tensor, zeros } from '@funt/tensor';

/**
 * The part of a @funt/layers module the analyses need: a network ending in LogSoftMax, run in
 * evaluation mode (running batch-norm statistics), whose backward gives d/d input.
 */
export interface Classifier {
  /** Log-probabilities [N, K] for a batch [N, C, H, W] (a table is rejected by the analyses). */
  forward(input: Tensor): Tensor | Tensor[];
  /**
   * The gradient w.r.t. `input` for the given gradient of the output (parameter gradients accumulate too).
   */
  backward(input: Tensor, gradOutput: Tensor): Tensor | Tensor[];
  /** Clears the parameter gradients that the analyses' backward passes accumulate. */
  zeroGradParameters(): void;
  /** Switches to evaluation mode (running batch-norm statistics, no dropout). */
  evaluate(): unknown;
}

function single(t: Tensor | Tensor[], what: string): Tensor {
  if (Array.isArray(t))
    throw new TypeError(`${what}: the model returned a table of ${t.length} tensors, expected one tensor`);
  return t;
}

/**
 * The most and second most likely class of row `row` of scores [N, k] (k >= 2); the lower
 * index wins a tie, so a tie for first gives both tied classes.
 */
export function twoBest(scores: ArrayLike<number>, k: number, row: number): { top: number; second: number } {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`twoBest: needs at least 2 classes, got ${k}`);
  const at = (j: number) => scores[row * k + j];
  let top = 0;
  for (let j = 1; j < k; j++) if (at(j) > at(top)) top = j;
  let second = top === 0 ? 1 : 0;
  for (let j = 0; j < k; j++) if (j !== top && at(j) > at(second)) second = j;
  return { top, second };
}

/** Log-probabilities [N, K] for a batch, as a plain array copy. */
export function logProbabilities(model: Classifier, x: Tensor): Float64Array {
  return Float64Array.from(single(model.forward(x), 'logProbabilities').data);
}

/**
 * Gradient of −log p(class_i) for each image i of x w.r.t. x (same shape as x), with the log
 * probabilities of the forward pass. The network's last layer is LogSoftMax, so the gradient
 * of the negative log-likelihood w.r.t. its output is −1 at the class and 0 elsewhere; no
 * criterion object is needed, and no averaging over the batch dilutes a single image's map.
 */
export function inputGradient(
  model: Classifier,
  x: Tensor,
  classes: ArrayLike<number>,
): { grad: Float32Array; logp: Float64Array } {
  const out = single(model.forward(x), 'inputGradient');
  const [n, k] = out.shape;
  if (classes.length !== n) throw new RangeError(`inputGradient: ${classes.length} classes for a batch of ${n} images`);
  const logp = Float64Array.from(out.data);
  const g = zeros([n, k], out.dtype);
  for (let i = 0; i < n; i++) {
    const c = classes[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new RangeError(`inputGradient: class ${c} is not in [0, ${k})`);
    g.data[i * k + c] = -1;
  }
  const gradIn = single(model.backward(x, g), 'inputGradient');
  const grad = Float32Array.from(gradIn.data);
  g.dispose();
  // Parameter gradients accumulated by this backward are not wanted by anyone.
  model.zeroGradParameters();
  return { grad, logp };
}
