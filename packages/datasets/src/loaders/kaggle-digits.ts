import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { type CsvRow, readCsv } from '../formats/csv.js';
import { type ImageSet, imageSet } from '../image-set.js';
import { findOptional, requireDir } from './files.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Kaggle's "digit-recognizer" CSVs: `train.csv` (header `label,pixel0,…,pixel783`, then one
 * digit per row) and, if present, `test.csv` (the same without the label; its images come back
 * with label −1). Rows are streamed; every value must be an integer 0…255.
 */
export async function loadKaggleDigitsCsv(dir: string): Promise<{ train: ImageSet; test?: ImageSet }> {
  requireDir(dir, 'train.csv (and optionally test.csv)');
  const trainFile = join(dir, 'train.csv');
  const train = await readDigits(trainFile, true);
  const testFile = findOptional(dir, ['test.csv']);
  return testFile ? { train, test: await readDigits(testFile, false) } : { train };
}

async function readDigits(file: string, labelled: boolean): Promise<ImageSet> {
  const columns = PIXELS + (labelled ? 1 : 0);
  let images = new Uint8Array(1024 * PIXELS);
  let labels = new Int32Array(1024);
  let n = 0;
  let header: CsvRow | null = null;
  for await (const row of readCsv(file, { columns })) {
    if (!header) {
      header = row;
      const first = row.fields[0].trim();
      const expected = labelled ? 'label' : 'pixel0';
      if (first !== expected) throw new DatasetError(file, 'unexpected header', { line: row.line, expected: `first column "${expected}"`, found: `"${first}"` });
      continue;
    }
    if (n === labels.length) {
      // Amortised doubling: the row count is not known before the end of the stream.
      const grown = new Uint8Array(images.length * 2);
      grown.set(images);
      images = grown;
      const grownLabels = new Int32Array(labels.length * 2);
      grownLabels.set(labels);
      labels = grownLabels;
    }
    const f = row.fields;
    const offset = labelled ? 1 : 0;
    labels[n] = labelled ? parseByte(f[0], 9, file, row.line, 'label') : -1;
    for (let p = 0; p < PIXELS; p++) images[n * PIXELS + p] = parseByte(f[p + offset], 255, file, row.line, `pixel${p}`);
    n++;
  }
  if (!header) throw new DatasetError(file, 'is empty', { expected: 'a header row', found: 'nothing' });
  return imageSet(images.slice(0, n * PIXELS), [n, 1, SIDE, SIDE], labels.slice(0, n), DIGIT_NAMES);
}

function parseByte(text: string, max: number, file: string, line: number, column: string): number {
  const t = text.trim();
  if (t.length === 0 || t.length > 3) throw new DatasetError(file, `bad value in column ${column}`, { line, expected: `an integer 0..${max}`, found: JSON.stringify(text) });
  let v = 0;
  for (let i = 0; i < t.length; i++) {
    const d = t.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw new DatasetError(file, `bad value in column ${column}`, { line, expected: `an integer 0..${max}`, found: JSON.stringify(text) });
    v = v * 10 + d;
  }
  if (v > max) throw new DatasetError(file, `bad value in column ${column}`, { line, expected: `an integer 0..${max}`, found: v });
  return v;
}
