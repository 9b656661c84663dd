import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { tempDir } from '../testing/internal/helpers.js';
import { gzip, idxBytes } from '../testing/internal/writers.js';
import { loadMnistIdx } from './mnist-idx.js';

const tmp = tempDir();
afterAll(tmp.remove);

const trainPixels = Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 11) % 256);
const testPixels = Array.from({ length: 2 * 4 * 5 }, (_, i) => (i * 7) % 256);

function writeMnist(dir: string, compress: boolean, dotted = false): void {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, bytes: Buffer): void => {
    const spelled = dotted ? name.replace(/-idx/, '.idx') : name;
    writeFileSync(join(dir, compress ? `${spelled}.gz` : spelled), compress ? gzip(bytes) : bytes);
  };
  write('train-images-idx3-ubyte', idxBytes([3, 4, 5], trainPixels));
  write('train-labels-idx1-ubyte', idxBytes([3], [7, 0, 9]));
  write('t10k-images-idx3-ubyte', idxBytes([2, 4, 5], testPixels));
  write('t10k-labels-idx1-ubyte', idxBytes([2], [1, 2]));
}

describe('loadMnistIdx', () => {
  it.each([
    ['plain', false, false],
    ['gzip', true, false],
    ['dotted names', false, true],
  ])('loads the four files (%s), with rows and cols from the header', async (name, compress, dotted) => {
    const dir = join(tmp.dir, name);
    writeMnist(dir, compress, dotted);
    const { train, test } = await loadMnistIdx(dir);
    expect(train.shape).toEqual([3, 1, 4, 5]);
    expect(Array.from(train.images)).toEqual(trainPixels);
    expect(Array.from(train.labels)).toEqual([7, 0, 9]);
    expect(test.shape).toEqual([2, 1, 4, 5]);
    expect(Array.from(test.images)).toEqual(testPixels);
    expect(train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('takes other file names and class names (any data set in the format)', async () => {
    const dir = join(tmp.dir, 'fashion');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-images'), idxBytes([1, 2, 2], [1, 2, 3, 4]));
    writeFileSync(join(dir, 'a-labels'), idxBytes([1], [1]));
    const files = { trainImages: 'a-images', trainLabels: 'a-labels', testImages: 'a-images', testLabels: 'a-labels' };
    const { train } = await loadMnistIdx(dir, { files, classNames: ['shirt', 'shoe'] });
    expect(train.classNames).toEqual(['shirt', 'shoe']);
    writeFileSync(join(dir, 'a-labels'), idxBytes([1], [2]));
    await expect(loadMnistIdx(dir, { files, classNames: ['shirt', 'shoe'] })).rejects.toThrow(
      /a-labels \(byte 8\): label 0 out of range \(expected 0..1, found 2\)/,
    );
  });

  it('names the file for a missing folder, a missing file, a wrong magic number and mismatched counts', async () => {
    await expect(loadMnistIdx(join(tmp.dir, 'nowhere'))).rejects.toThrow(/nowhere: folder not found/);
    const dir = join(tmp.dir, 'broken');
    writeMnist(dir, false);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([3], [1, 2, 3]));
    await expect(loadMnistIdx(dir)).rejects.toThrow(
      /t10k-labels-idx1-ubyte \(byte 4\): label count differs from the image count/,
    );
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes([3], [1, 2, 3]));
    const e = await loadMnistIdx(dir).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(DatasetError);
    expect((e as DatasetError).file).toBe(join(dir, 'train-images-idx3-ubyte'));
    expect((e as Error).message).toMatch(
      /wrong magic number \(number of dimensions\) \(expected 0x00000803, found 0x00000801\)/,
    );
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    await expect(loadMnistIdx(empty)).rejects.toThrow(
      /train-images-idx3-ubyte: file not found \(expected train-images-idx3-ubyte or train-images-idx3-ubyte.gz or train-images.idx3-ubyte/,
    );
  });

  it('gives train and test one class count, and names the file of a damaged label at load', async () => {
    const dir = join(tmp.dir, 'labels');
    writeMnist(dir, false);
    // A label 200 among digits is damage, not a 201-class data set.
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], [7, 200, 9]));
    await expect(loadMnistIdx(dir)).rejects.toThrow(
      /train-labels-idx1-ubyte \(byte 9\): label 1 is 200, but no image has label 10/,
    );
    // A test label beyond the training classes fails at load, naming the test file.
    writeMnist(dir, false);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([2], [1, 12]));
    await expect(loadMnistIdx(dir)).rejects.toThrow(
      /t10k-labels-idx1-ubyte \(byte 9\): label 1 out of range \(expected 0..9, found 12\)/,
    );
    // More than ten classes, each with training images: one count for both splits.
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes([12, 1, 1], new Array(12).fill(0)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([12], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    const { train, test } = await loadMnistIdx(dir, {
      files: {
        trainImages: 'train-images-idx3-ubyte',
        trainLabels: 'train-labels-idx1-ubyte',
        testImages: 'train-images-idx3-ubyte',
        testLabels: 'train-labels-idx1-ubyte',
      },
    });
    expect(train.classNames).toHaveLength(12);
    expect(test.classNames).toBe(train.classNames);
  });
});
