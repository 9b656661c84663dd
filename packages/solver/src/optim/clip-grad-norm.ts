import { mul } from '@funt/tensor';
import type { Parameter } from '../model.js';

/**
 * The 2-norm of all the gradients taken as one vector: √(Σ over parameters of Σ g²), summed
 * in float64 (PyTorch's `total_norm` of `clip_grad_norm_` with norm_type 2).
 */
export function gradNorm(params: readonly Parameter[]): number {
  let sum = 0;
  for (const p of params) {
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) sum += g[i] * g[i];
  }
  return Math.sqrt(sum);
}

/**
 * PyTorch's `torch.nn.utils.clip_grad_norm_(params, maxNorm)`: with `total` the gradients'
 * global 2-norm, every gradient is multiplied in place by maxNorm / (total + 1e-6) when that
 * is below 1 (so a total just at maxNorm is scaled by a hair, as in PyTorch). Returns the
 * total before clipping. maxNorm = ∞ measures the norm and never clips.
 */
export function clipGradNorm(params: readonly Parameter[], maxNorm: number): number {
  const total = gradNorm(params);
  const coefficient = maxNorm / (total + 1e-6);
  if (coefficient < 1) for (const p of params) mul(p.grad, coefficient, p.grad);
  return total;
}
