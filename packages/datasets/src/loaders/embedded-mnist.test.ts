import { describe, expect, it } from 'vitest';
import { classCounts, type ImageSet, imageSize } from '../image-set.js';
import { loadEmbeddedMnist, loadEmbeddedMnistDigits } from './embedded-mnist.js';
import { EMBEDDED_MNIST_COUNT, splitEmbeddedMnist } from './embedded-mnist-split.js';

const key = (images: Uint8Array, i: number, size: number): string =>
  Buffer.from(images.subarray(i * size, (i + 1) * size)).toString('base64');

describe('loadEmbeddedMnist', () => {
  it('loads the 10,000 real digits of the mnist package as uint8 1×28×28 with the documented class counts', () => {
    const { train } = loadEmbeddedMnist({ trainSize: EMBEDDED_MNIST_COUNT, testSize: 0 });
    expect(train.shape).toEqual([10_000, 1, 28, 28]);
    expect(train.images).toBeInstanceOf(Uint8Array);
    expect(classCounts(train)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // Real MNIST: mostly black background, mean intensity about 33/255, full range used.
    let sum = 0;
    let max = 0;
    for (const v of train.images) {
      sum += v;
      max = Math.max(max, v);
    }
    const mean = sum / train.images.length;
    expect(mean).toBeGreaterThan(25);
    expect(mean).toBeLessThan(40);
    expect(max).toBe(255);
    expect(train.images[0]).toBe(0);
  });

  it('splits deterministically into disjoint train and test sets that together are the whole package', () => {
    const all = loadEmbeddedMnist({ trainSize: EMBEDDED_MNIST_COUNT, testSize: 0 }).train;
    const a = loadEmbeddedMnist({ trainSize: 7000, testSize: 3000 });
    expect(a.train.shape[0]).toBe(7000);
    expect(a.test.shape[0]).toBe(3000);
    // As multisets of (label, image), train + test equals the whole set: no row is on both sides.
    const size = imageSize(all);
    const counts = new Map<string, number>();
    const add = (set: ImageSet, sign: number): void => {
      for (let i = 0; i < set.shape[0]; i++) {
        const k = `${set.labels[i]}:${key(set.images as Uint8Array, i, size)}`;
        counts.set(k, (counts.get(k) ?? 0) + sign);
      }
    };
    add(all, 1);
    add(a.train, -1);
    add(a.test, -1);
    expect([...counts.values()].every((v) => v === 0)).toBe(true);
    // Every class appears on both sides.
    expect(classCounts(a.test).every((k) => k > 150)).toBe(true);
  });

  it('the same seed gives the same split, another seed another', () => {
    // Buffer.equals: vitest's deep equality is far too slow on 6 MB arrays.
    const same = (x: ArrayBufferView, y: ArrayBufferView): boolean =>
      Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    const a = loadEmbeddedMnist();
    expect(a.train.shape[0]).toBe(8000);
    expect(a.test.shape[0]).toBe(2000);
    const b = loadEmbeddedMnist();
    expect(same(b.train.images, a.train.images)).toBe(true);
    expect(same(b.test.labels, a.test.labels)).toBe(true);
    expect(same(loadEmbeddedMnist({ seed: 1 }).train.labels, a.train.labels)).toBe(false);
  });

  it('pads with a zero border on request', () => {
    const plain = loadEmbeddedMnist({ trainSize: 3, testSize: 1 });
    const padded = loadEmbeddedMnist({ trainSize: 3, testSize: 1, pad: 2 });
    expect(padded.train.shape).toEqual([3, 1, 32, 32]);
    for (let i = 0; i < 3; i++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const v = padded.train.images[i * 1024 + y * 32 + x];
          const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
          expect(v).toBe(inside ? plain.train.images[i * 784 + (y - 2) * 28 + (x - 2)] : 0);
        }
      }
    }
  });

  it('rejects sizes beyond what the package ships', () => {
    expect(() => loadEmbeddedMnist({ trainSize: 9000, testSize: 2000 })).toThrow(
      /embedded MNIST: trainSize \+ testSize = 11000 exceeds the 10000 digits the mnist package ships/,
    );
    expect(() => loadEmbeddedMnist({ pad: -1 })).toThrow(/pad must be a non-negative integer, got -1/);
  });

  it('splits the digits it is given (as a browser gets them) exactly as loadEmbeddedMnist does', () => {
    const all = loadEmbeddedMnistDigits();
    const copy = { ...all, images: all.images.slice(), labels: all.labels.slice() };
    const here = splitEmbeddedMnist(copy, { trainSize: 900, testSize: 100, seed: 5 });
    const there = loadEmbeddedMnist({ trainSize: 900, testSize: 100, seed: 5 });
    expect(here.train.images).toEqual(there.train.images);
    expect(here.test.labels).toEqual(there.test.labels);
    expect(() => splitEmbeddedMnist(here.train)).toThrow(
      /expected the 10000 embedded 1×28×28 digits, got shape \[900, 1, 28, 28\]/,
    );
  });
});
