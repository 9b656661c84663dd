import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { parseIntegerCsv } from '../formats/integer-csv.js';
import { type ImageSet, imageSet } from '../image-set.js';
import { findOptional, readBytes, requireDir } from './files.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Kaggle's "digit-recognizer" CSVs: `train.csv` (header `label,pixel0,…,pixel783`, then one
 * digit per row) and, if present, `test.csv` (the same without the label; its images come back
 * with label −1). Every value must be an integer 0…255 and every label 0…9.
 */
export async function loadKaggleDigitsCsv(dir: string): Promise<{ train: ImageSet; test?: ImageSet }> {
  requireDir(dir, 'train.csv (and optionally test.csv)');
  const train = await readDigits(join(dir, 'train.csv'), true);
  const testFile = findOptional(dir, ['test.csv']);
  return testFile ? { train, test: await readDigits(testFile, false) } : { train };
}

async function readDigits(file: string, labelled: boolean): Promise<ImageSet> {
  const csv = parseIntegerCsv(await readBytes(file), file);
  const first = labelled ? 'label' : 'pixel0';
  const columns = PIXELS + (labelled ? 1 : 0);
  if (csv.header[0] !== first || csv.header.length !== columns) {
    throw new DatasetError(file, 'unexpected header', {
      line: 1,
      expected: `${columns} columns, the first "${first}"`,
      found: `${csv.header.length} columns, the first "${csv.header[0]}"`,
    });
  }
  const n = csv.rows;
  if (!labelled) return imageSet(csv.values, [n, 1, SIDE, SIDE], new Int32Array(n).fill(-1), DIGIT_NAMES);
  const images = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = csv.values[i * columns];
    if (label > 9)
      throw new DatasetError(file, 'bad value in column label', {
        line: csv.lines[i],
        expected: 'an integer 0..9',
        found: label,
      });
    labels[i] = label;
    images.set(csv.values.subarray(i * columns + 1, (i + 1) * columns), i * PIXELS);
  }
  return imageSet(images, [n, 1, SIDE, SIDE], labels, DIGIT_NAMES);
}
