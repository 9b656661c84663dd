import { Tensor } from './tensor.js';

/**
 * ∂f/∂x by central differences, (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h, for every element of x (a
 * tensor, or the array `f` reads it from), which is perturbed in place and restored. `f` must
 * recompute everything from x. The ground truth of gradient checks: run it in float64 (on the
 * reference backend), where the default step h = 1e-5 sits near the cube root of float64's
 * epsilon, so that the truncation error (∝ h²) and the round-off (∝ ε/h) are both around 1e-10
 * of the function's scale — far below the error of a wrong backward.
 */
export function numericalGradient(f: () => number, x: Tensor | Float64Array | Float32Array, h = 1e-5): Float64Array {
  const d = x instanceof Tensor ? x.data : x;
  const grad = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    d[i] = v + h;
    const plus = f();
    d[i] = v - h;
    const minus = f();
    d[i] = v;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}
