import type { ImageSet } from '@funt/datasets';
import { Rng } from '@funt/tensor';

/** Class names of the synthetic shapes, in label order. */
export const SYNTHETIC_CLASSES = ['horizontal', 'vertical', 'diagonal', 'square'];

/**
 * A tiny generated data set for tests and demos: 1×S×S uint8 images of a bright stroke on a
 * noisy dark background — a horizontal bar, a vertical bar, a diagonal, or a hollow square —
 * at a random position. Easy enough for a small ResNet to learn in a few epochs, hard enough
 * that an untrained one is at chance.
 */
export function syntheticSet(count: number, side: number, seed: number): ImageSet {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`syntheticSet: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(side) || side < 8)
    throw new RangeError(`syntheticSet: side must be an integer >= 8, got ${side}`);
  const rng = new Rng(seed);
  const k = SYNTHETIC_CLASSES.length;
  const images = new Uint8Array(count * side * side);
  const labels = new Int32Array(count);
  const len = Math.floor(side / 2);
  for (let i = 0; i < count; i++) {
    const label = i % k;
    labels[i] = label;
    const img = images.subarray(i * side * side, (i + 1) * side * side);
    for (let p = 0; p < img.length; p++) img[p] = rng.int(60);
    const set = (y: number, x: number) => {
      if (y >= 0 && y < side && x >= 0 && x < side) img[y * side + x] = 200 + rng.int(56);
    };
    const y0 = 1 + rng.int(side - len - 1);
    const x0 = 1 + rng.int(side - len - 1);
    for (let t = 0; t < len; t++) {
      if (label === 0) set(y0 + (len >> 1), x0 + t);
      else if (label === 1) set(y0 + t, x0 + (len >> 1));
      else if (label === 2) set(y0 + t, x0 + t);
      else {
        set(y0, x0 + t);
        set(y0 + len - 1, x0 + t);
        set(y0 + t, x0);
        set(y0 + t, x0 + len - 1);
      }
    }
  }
  return { images, shape: [count, 1, side, side], labels, classNames: [...SYNTHETIC_CLASSES] };
}
