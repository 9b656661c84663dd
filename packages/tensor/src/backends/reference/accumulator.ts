import type { Tensor } from '../../tensor.js';

/**
 * Kernels that sum many contributions into their output (the backward passes, which scatter)
 * accumulate in float64 so that the reference stays the accurate side of every comparison
 * even when it computes in float32. For a float64 output the output itself is the accumulator.
 */
interface Accumulator {
  /** Zeroed (or, with `accumulate`, holding the output's current values) float64 elements. */
  readonly acc: Float64Array;
  /** Writes the accumulated values into the output (a no-op when it is the output). */
  commit(): void;
}

export function accumulatorFor(out: Tensor, accumulate = false): Accumulator {
  const data = out.data;
  if (data instanceof Float64Array) {
    if (!accumulate) data.fill(0);
    return { acc: data, commit() {} };
  }
  const acc = accumulate ? Float64Array.from(data) : new Float64Array(data.length);
  return { acc, commit: () => data.set(acc) };
}
