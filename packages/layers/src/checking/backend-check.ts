import { type DType, fromTypedArray, Rng, Tensor, withBackend } from '@funt/tensor';
import { type Activity, type ActivityShape, isTableShape, tensorsOf } from '../module/activity.js';
import type { Module } from '../module/module.js';

/** Options of `compareBackends`. */
export interface BackendComparisonOptions {
  /** The two backends (default ['reference', 'wasm']). */
  backends?: readonly [string, string];
  dtype?: DType;
  /** Seed for the input and gradOutput (default 1). */
  seed?: number;
  tolerance?: number;
  /** Runs before each forward with the module about to run (e.g. to rewind a Dropout generator). */
  beforeForward?: (module: Module) => void;
}

/**
 * The result of `compareBackends`: every compared tensor's scaled error, the worst, and whether all
 * are within `tolerance`.
 */
export interface BackendComparison {
  ok: boolean;
  tolerance: number;
  errors: { name: string; error: number }[];
  worst: { name: string; error: number };
  /** A header line, then one line per tensor with its error. */
  toString(): string;
}

/** max|a − b| / max(1, max|a|). */
export function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= diff)) diff = d;
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return diff / scale;
}

/**
 * Runs one module on two backends and compares everything it computes: the output, the
 * gradient w.r.t. the input, every parameter gradient and every buffer after the step (batch
 * norm's running statistics). The module is built once per backend by `build`, and the second
 * copy receives the first's state through `loadStateDict`, so both start from the same weights.
 *
 * The error of each tensor is max|a − b| / max(1, max|a|): absolute below magnitude 1 and
 * relative above it. Float32 kernels that sum in different orders differ by a few ulps times
 * the length of their sums: layers of realistic size agree to ~1e-7..1e-6, and the default
 * tolerance 1e-5 leaves room for sums of thousands of terms while catching any indexing bug.
 */
export function compareBackends(
  build: () => Module,
  inputShape: ActivityShape,
  opts: BackendComparisonOptions = {},
): BackendComparison {
  const [first, second] = opts.backends ?? ['reference', 'wasm'];
  const dtype = opts.dtype ?? 'float32';
  const tolerance = opts.tolerance ?? 1e-5;
  const table = isTableShape(inputShape);
  const shapes = isTableShape(inputShape) ? inputShape : [inputShape];
  const rng = new Rng(opts.seed ?? 1);
  const inputValues = shapes.map((s) => {
    const v = new Float64Array(s.reduce((a, b) => a * b, 1));
    rng.fillNormal(v);
    return v;
  });
  let state: Record<string, Float64Array> | null = null;
  let gradValues: Float64Array[] | null = null;

  const runOn = (backend: string): Map<string, Float64Array> =>
    withBackend(
      backend,
      () => {
        const m = build();
        if (state === null)
          state = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Float64Array.from(t.data)]));
        else for (const [k, t] of Object.entries(m.stateDict())) t.data.set(state[k]);
        const xs = shapes.map((s, i) => fromTypedArray(inputValues[i], s, dtype));
        const input: Activity = table ? xs : xs[0];
        opts.beforeForward?.(m);
        const outputs = tensorsOf(m.forward(input));
        const seen = new Map<string, Float64Array>();
        outputs.forEach((y, k) => seen.set(`output.${k}`, Float64Array.from(y.data)));
        if (gradValues === null) {
          gradValues = outputs.map((y) => {
            const g = new Float64Array(y.size);
            rng.fillNormal(g);
            return g;
          });
        }
        const gradOutput = outputs.map((y, k) => fromTypedArray(gradValues![k], y.shape, dtype));
        m.zeroGradParameters();
        const gradInput = tensorsOf(m.backward(input, m.output instanceof Tensor ? gradOutput[0] : gradOutput));
        gradInput.forEach((g, k) => seen.set(`gradInput.${k}`, Float64Array.from(g.data)));
        for (const p of m.parameters()) seen.set(`grad ${p.name}`, Float64Array.from(p.grad.data));
        for (const b of m.buffers()) seen.set(`buffer ${b.name}`, Float64Array.from(b.value.data));
        m.dispose();
        [...xs, ...gradOutput].forEach((t) => t.dispose());
        return seen;
      },
      dtype,
    );

  const a = runOn(first);
  const b = runOn(second);
  const errors = [...a.keys()].map((name) => ({
    name,
    error: b.has(name) ? scaledError(a.get(name)!, b.get(name)!) : Infinity,
  }));
  const worst = errors.reduce((x, y) => (y.error > x.error || Number.isNaN(y.error) ? y : x), { name: '-', error: 0 });
  const ok = errors.every((e) => e.error <= tolerance);
  return {
    ok,
    tolerance,
    errors,
    worst,
    toString: () =>
      `${first} vs ${second} (${dtype}) ${ok ? 'agree' : 'DIFFER'} within ${tolerance}:\n` +
      errors.map((e) => `  ${e.name}: ${e.error.toExponential(2)}`).join('\n'),
  };
}
