/**
 * Trailing moving average: out[i] is the mean of values[max(0, i-window+1) .. i].
 * The seed plotted the per-iteration training loss with such a curve on top, because the raw
 * loss of one mini-batch is too noisy to read a trend from.
 */
export function movingAverage(values: ArrayLike<number>, window: number): number[] {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`movingAverage: window must be a positive integer, got ${window}`);
  }
  const out = new Array<number>(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}
