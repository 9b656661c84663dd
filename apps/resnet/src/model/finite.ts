import { firstNonFinite } from '@funt/solver';
import type { Tensor } from '@funt/tensor';

/**
 * Throws naming the first NaN or ±∞ among the tensors: a diverged network is neither saved nor
 * used (its predictions would look like chance with no warning).
 */
export function refuseNonFinite(tensors: Record<string, Tensor>, what: string): void {
  const bad = firstNonFinite(Object.entries(tensors).map(([name, value]) => ({ name, value })));
  if (bad) {
    throw new Error(
      `${what}: tensor '${bad.name}' holds ${bad.value} (element ${bad.index}); a diverged model is not saved or used`,
    );
  }
}
