import type { Rng, Tensor } from '@funt/tensor';
import { type Augmentation, outputFor } from './augmentation.js';

/**
 * Chains augmentations into one pipeline `(batch, rng, out?) => batch`. Each stage draws from
 * the same generator in order, so a pipeline is as reproducible as its stages. Intermediate
 * batches are disposed as soon as the next stage has read them; `out` receives the last
 * stage's result. The input is never disposed or modified.
 */
export function compose(stages: readonly Augmentation[]): Augmentation {
  if (!Array.isArray(stages) || stages.some((s) => typeof s !== 'function')) {
    throw new TypeError('compose: expected an array of augmentations (functions (x, rng, out?) => Tensor)');
  }
  const list = [...stages];
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    if (list.length === 0) {
      const y = outputFor('compose', x, x.shape, out, true);
      if (!y.sharesStorageWith(x)) y.data.set(x.data);
      return y;
    }
    let current = x;
    for (let i = 0; i < list.length; i++) {
      const last = i === list.length - 1;
      const next = list[i](current, rng, last ? out : undefined);
      // A stage may hand back its own input (an in-place custom stage): then it is still in use.
      if (current !== x && current !== next) current.dispose();
      current = next;
    }
    return current;
  };
}
