import { type DType, fromTypedArray, getDefaultDType, numericalGradient, Rng, Tensor } from '@funt/tensor';
import type { Criterion, Target } from '../criteria/criterion.js';
import { type Activity, type ActivityShape, isTableShape, tensorsOf } from '../module/activity.js';
import type { Module } from '../module/module.js';

/**
 * Numerical gradient checking, for the tests and for anyone writing a module.
 *
 * A module's backward is compared with central differences of the scalar L = Σ output·R, where
 * R is a fixed random tensor (so every output element matters, with a random weight), w.r.t.
 * the input and every parameter. Run it in float64 on the reference backend, where round-off
 * is far below the errors it must catch:
 *
 *   withBackend('reference', () => {
 *     const report = checkModuleGradients(new SpatialConvolution(2, 3, 3, 3), [2, 2, 5, 5]);
 *     if (!report.ok) throw new Error(report.toString());
 *   }, 'float64');
 */

type Values = Tensor | ArrayLike<number>;

function valuesOf(v: Values): ArrayLike<number> {
  return v instanceof Tensor ? v.data : v;
}

/**
 * The cs231n relative error: max over elements of |a − b| / max(|a| + |b|, tiny). `tiny` keeps
 * elements that are both (nearly) zero from dividing by zero; they are then compared absolutely.
 */
export function relativeError(a: Tensor | ArrayLike<number>, b: Tensor | ArrayLike<number>, tiny = 1e-8): number {
  const x = valuesOf(a);
  const y = valuesOf(b);
  if (x.length !== y.length) throw new RangeError(`relativeError: ${x.length} values vs ${y.length}`);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.abs(x[i] - y[i]) / Math.max(Math.abs(x[i]) + Math.abs(y[i]), tiny);
    if (!(e <= worst)) worst = e; // NaN propagates as the worst error
  }
  return worst;
}

/** Central differences, from @funt/tensor (re-exported here as part of this API). */
export { numericalGradient };

/** Options of `checkModuleGradients` and `checkCriterionGradients`. */
export interface GradCheckOptions {
  /** Seed for the random input and output weights R (default 1). */
  seed?: number;
  /** Finite-difference step (default 1e-5). */
  h?: number;
  /** Largest accepted relative error (default 1e-5: float64 checks of correct modules give ~1e-9, a 1% error gives ~5e-3); only float64 has a default. */
  tolerance?: number;
  /**
   * Denominator floor of the relative error, as a fraction of the largest gradient magnitude
   * over everything checked (default 1e-4): entries far smaller than that (a bias feeding a
   * batch norm has a gradient of exactly 0) are compared on that scale, so their round-off does
   * not fail the check, while an error in any significant entry still does.
   */
  relativeFloor?: number;
  /** Use this input instead of a random normal one (it is restored before every evaluation). */
  input?: Activity;
  /** Check the gradient w.r.t. the input (default true). */
  checkInput?: boolean;
  /** Runs before every forward, e.g. to rewind a Dropout generator so each evaluation draws the same mask. */
  beforeForward?: () => void;
}

/** The relative error of one checked gradient. */
export interface GradError {
  /** 'input' (or 'input.0' for a table), or a parameter name such as '0.weight'. */
  name: string;
  error: number;
  /** Largest |analytic gradient| of this tensor, for context. */
  scale: number;
}

/**
 * The result of a gradient check: the error of every checked tensor, the worst, and whether all are
 * within `tolerance`. `toString()` gives one line per tensor, for a failing test's message.
 */
export interface GradCheckReport {
  ok: boolean;
  tolerance: number;
  dtype: DType;
  errors: GradError[];
  /** The worst entry of `errors`. */
  worst: GradError;
  /** A header line (passed or FAILED), then one line per tensor with its error and gradient scale. */
  toString(): string;
}

/** What is being differentiated: its tensors (inputs, parameters) and a scalar function of them. */
interface Problem {
  dtype: DType;
  loss: () => number;
  /** Analytic gradients, computed once, by name. */
  analytic: () => Map<string, Float64Array>;
  /** Every value array to differentiate by, by name (a parameter's data, or the pristine copy an input is restored from). */
  wrt: { name: string; values: Float64Array | Float32Array }[];
}

function run(p: Problem, opts: GradCheckOptions): GradCheckReport {
  if (p.dtype !== 'float64' && opts.tolerance === undefined) {
    throw new Error(
      `checkGradients: the module computes in ${p.dtype}; gradient checks need float64 to be meaningful. ` +
        `Build and check it inside withBackend('reference', fn, 'float64'), or pass an explicit tolerance.`,
    );
  }
  const tolerance = opts.tolerance ?? 1e-5;
  const floor = opts.relativeFloor ?? 1e-4;
  const h = opts.h ?? 1e-5;
  const analytic = p.analytic();
  const numeric = p.wrt.map(({ values }) => numericalGradient(p.loss, values, h));
  const scales = p.wrt.map(({ name }, k) => {
    const exact = analytic.get(name)!;
    let scale = 0;
    for (let i = 0; i < exact.length; i++) scale = Math.max(scale, Math.abs(exact[i]), Math.abs(numeric[k][i]));
    return scale;
  });
  const tiny = Math.max(floor * Math.max(0, ...scales), 1e-12);
  const errors: GradError[] = p.wrt.map(({ name }, k) => ({
    name,
    error: relativeError(analytic.get(name)!, numeric[k], tiny),
    scale: scales[k],
  }));
  const worst = errors.reduce((a, b) => (b.error > a.error || Number.isNaN(b.error) ? b : a), {
    name: '-',
    error: 0,
    scale: 0,
  });
  const ok = errors.every((e) => e.error <= tolerance);
  return {
    ok,
    tolerance,
    dtype: p.dtype,
    errors,
    worst,
    toString: () =>
      `gradient check ${ok ? 'passed' : 'FAILED'} (${p.dtype}, tolerance ${tolerance}):\n` +
      errors
        .map((e) => `  ${e.name}: relative error ${e.error.toExponential(2)} (max |grad| ${e.scale.toExponential(2)})`)
        .join('\n'),
  };
}

/** Random normal tensors for a shape or a table of shapes (or copies of a given input). */
function makeInput(shape: ActivityShape, rng: Rng, dtype: DType, given?: Activity): Activity {
  if (given !== undefined) return given;
  const one = (s: readonly number[]): Tensor => {
    const t = Tensor.empty(s, dtype);
    rng.fillNormal(t.data);
    return t;
  };
  return isTableShape(shape) ? shape.map(one) : one(shape);
}

/**
 * Checks `module.backward` against numerical gradients w.r.t. the input and every parameter.
 * `inputShape` is one shape, or a list of shapes for a table input. The module's mode is used
 * as is (check batch norm in both). Parameter gradients are zeroed first and left dirty.
 * Throws unless the module computes in float64 or `tolerance` is given.
 *
 * @example
 * ```ts
 * withBackend('reference', () => {
 *   const report = checkModuleGradients(new SpatialConvolution(2, 3, 3, 3), [2, 2, 5, 5]);
 *   if (!report.ok) throw new Error(report.toString());
 * }, 'float64');
 * ```
 */
export function checkModuleGradients(
  module: Module,
  inputShape: ActivityShape,
  opts: GradCheckOptions = {},
): GradCheckReport {
  const params = module.parameters();
  const dtype = params[0]?.value.dtype ?? (opts.input ? tensorsOf(opts.input)[0].dtype : getDefaultDType());
  const rng = new Rng(opts.seed ?? 1);
  const input = makeInput(inputShape, rng, dtype, opts.input);
  const inputs = tensorsOf(input);
  // In-place modules overwrite their input, so every evaluation starts from a pristine copy.
  const pristine = inputs.map((t) => Float64Array.from(t.data));
  const restore = (): void => inputs.forEach((t, i) => t.data.set(pristine[i]));
  const forward = (): Tensor[] => {
    opts.beforeForward?.();
    return tensorsOf(module.forward(input));
  };

  restore();
  const weights = forward().map((y) => {
    const r = new Float64Array(y.size);
    rng.fillNormal(r);
    return r;
  });
  const loss = (): number => {
    restore();
    let s = 0;
    forward().forEach((y, k) => {
      const d = y.data;
      for (let i = 0; i < d.length; i++) s += d[i] * weights[k][i];
    });
    return s;
  };

  const inputNames = inputs.map((_, i) => (input instanceof Tensor ? 'input' : `input.${i}`));
  const analytic = (): Map<string, Float64Array> => {
    module.zeroGradParameters();
    loss();
    // Fresh gradOutput tensors: an in-place module may write into them.
    const outputs = tensorsOf(module.output!);
    const gradOutput = outputs.map((y, k) => fromTypedArray(weights[k], y.shape, y.dtype));
    const gradInput = tensorsOf(module.backward(input, module.output instanceof Tensor ? gradOutput[0] : gradOutput));
    const out = new Map<string, Float64Array>();
    gradInput.forEach((g, i) => out.set(inputNames[i], Float64Array.from(g.data)));
    for (const p of params) out.set(p.name, Float64Array.from(p.grad.data));
    gradOutput.forEach((t) => t.dispose());
    return out;
  };

  const wrt = [
    ...(opts.checkInput === false ? [] : pristine.map((values, i) => ({ name: inputNames[i], values }))),
    ...params.map((p) => ({ name: p.name, values: p.value.data })),
  ];
  return run({ dtype, loss, analytic, wrt }, opts);
}

/** Checks a criterion's backward against numerical gradients of its loss w.r.t. the input. */
export function checkCriterionGradients(
  criterion: Criterion,
  inputShape: readonly number[],
  target: Target,
  opts: Omit<GradCheckOptions, 'checkInput' | 'beforeForward'> & { dtype?: DType } = {},
): GradCheckReport {
  const dtype = opts.dtype ?? (target instanceof Tensor ? target.dtype : getDefaultDType());
  const rng = new Rng(opts.seed ?? 1);
  const input = makeInput(inputShape, rng, dtype, opts.input) as Tensor;
  const loss = (): number => criterion.forward(input, target);
  const analytic = (): Map<string, Float64Array> => {
    loss();
    return new Map([['input', Float64Array.from(criterion.backward(input, target).data)]]);
  };
  return run({ dtype, loss, analytic, wrt: [{ name: 'input', values: input.data }] }, opts);
}
