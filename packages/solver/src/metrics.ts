import { formatShape, type Tensor } from '@funt/tensor';
import { SolverConfigError } from './errors.js';

/** Checks that a model output is N×K scores for a batch of n and returns K. */
export function checkScores(scores: unknown, n: number): number {
  const t = scores as Tensor;
  if (Array.isArray(scores) || typeof t?.rank !== 'number') {
    throw new SolverConfigError(
      `model output must be one N×K tensor of class scores, got ${Array.isArray(scores) ? `a list of ${scores.length} tensors` : typeof scores}`,
    );
  }
  if (t.rank !== 2 || t.shape[0] !== n) {
    throw new SolverConfigError(
      `model output must be N×K class scores for a batch of ${n}, got shape ${formatShape(t.shape)}`,
    );
  }
  return t.shape[1];
}

/**
 * The 0-based rank of the true class among each row's scores: the number of classes scored
 * higher, or equal with a smaller index (argmax picks the first maximum). A NaN score for the
 * true class ranks last, so a broken model is never counted as correct.
 */
export function rankOfTrueClass(scores: Tensor, labels: Int32Array, into: Int32Array): Int32Array {
  const [n, k] = scores.shape;
  const d = scores.data;
  for (let r = 0; r < n; r++) {
    const row = r * k;
    const y = labels[r];
    const s = d[row + y];
    if (Number.isNaN(s)) {
      into[r] = k;
      continue;
    }
    let rank = 0;
    for (let j = 0; j < k; j++) {
      const v = d[row + j];
      if (v > s || (v === s && j < y) || Number.isNaN(v)) rank++;
    }
    into[r] = rank;
  }
  return into;
}

/** Index of the first maximum of each row (NaN counts as the maximum, so it shows up). */
export function argmaxRows(scores: Tensor, into: Int32Array): Int32Array {
  const [n, k] = scores.shape;
  const d = scores.data;
  for (let r = 0; r < n; r++) {
    const row = r * k;
    let best = 0;
    for (let j = 1; j < k; j++) {
      const v = d[row + j];
      if (v > d[row + best] || (Number.isNaN(v) && !Number.isNaN(d[row + best]))) best = j;
    }
    into[r] = best;
  }
  return into;
}

/** counts[true][predicted]. */
export class ConfusionMatrix {
  readonly counts: Int32Array;
  constructor(readonly numClasses: number) {
    this.counts = new Int32Array(numClasses * numClasses);
  }

  add(trueClass: number, predicted: number): void {
    this.counts[trueClass * this.numClasses + predicted]++;
  }

  /** Rows are true classes, columns predictions. */
  toArray(): number[][] {
    const k = this.numClasses;
    return Array.from({ length: k }, (_, i) => Array.from(this.counts.subarray(i * k, (i + 1) * k)));
  }
}
