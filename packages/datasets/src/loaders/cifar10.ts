import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatasetError, messageOf } from '../errors.js';
import { parseCifarBatch } from '../formats/cifar.js';
import { readTarEntries } from '../formats/tar.js';
import { concatSets, type ImageSet, imageSet } from '../image-set.js';
import { findOptional, readBytes, requireRegularFile } from './files.js';

/** CIFAR-10's classes, used when `batches.meta.txt` is absent. */
export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILE = 'test_batch.bin';
const META_FILE = 'batches.meta.txt';
const WANTED = new Set([...TRAIN_FILES, TEST_FILE, META_FILE]);

/** A file of the distribution: its bytes and the name errors give it (a path, or archive:entry). */
interface Source {
  bytes: Buffer;
  file: string;
}

/**
 * CIFAR-10, binary distribution: either the folder holding `data_batch_1.bin` …
 * `data_batch_5.bin`, `test_batch.bin` and `batches.meta.txt` (or its parent, which holds
 * `cifar-10-batches-bin/`), or the downloaded `cifar-10-binary.tar.gz` read directly. Images are
 * uint8 3×32×32 (R, G, B planes). Throws a DatasetError naming the file when one is missing or
 * malformed.
 *
 * @example
 * ```ts
 * const { train, test } = await loadCifar10('data/cifar-10-binary.tar.gz');
 * train.shape; // [50000, 3, 32, 32]
 * ```
 */
export async function loadCifar10(path: string): Promise<{ train: ImageSet; test: ImageSet }> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    throw new DatasetError(path, 'not found', {
      expected: 'a CIFAR-10 folder or cifar-10-binary.tar.gz',
      found: 'nothing',
      cause: error,
    });
  }
  if (!isDir) await requireRegularFile(path);
  const files = isDir ? await readFolder(path) : await readArchive(path);
  const fileOf = (name: string): Source => {
    const source = files.get(name);
    if (!source)
      throw new DatasetError(join(path, name), 'file not found', {
        expected: [...TRAIN_FILES, TEST_FILE].join(', '),
        found: [...files.keys()].join(', ') || 'none of them',
      });
    return source;
  };
  const meta = files.get(META_FILE);
  const classNames = meta
    ? meta.bytes
        .toString('utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.length > 0)
    : CIFAR10_CLASSES;
  if (meta && classNames.length !== 10) {
    throw new DatasetError(meta.file, 'wrong number of class names', { expected: 10, found: classNames.length });
  }
  const batch = (name: string): ImageSet => {
    const { bytes, file } = fileOf(name);
    const { images, labels, count } = parseCifarBatch(bytes, file);
    return imageSet(images, [count, 3, 32, 32], labels, classNames);
  };
  // Parse the test batch first: a missing or bad test file is reported before 150 MB of work.
  const test = batch(TEST_FILE);
  return { train: concatSets(TRAIN_FILES.map(batch)), test };
}

async function readFolder(dir: string): Promise<Map<string, Source>> {
  const inner = join(dir, 'cifar-10-batches-bin');
  const base = findOptional(dir, [TEST_FILE]) ? dir : findOptional(inner, [TEST_FILE]) ? inner : dir;
  const files = new Map<string, Source>();
  for (const name of WANTED) {
    const file = join(base, name);
    if (findOptional(base, [name])) files.set(name, { bytes: await readBytes(file), file });
  }
  return files;
}

async function readArchive(file: string): Promise<Map<string, Source>> {
  const head = Buffer.alloc(2);
  try {
    const handle = await open(file, 'r');
    await handle.read(head, 0, 2, 0);
    await handle.close();
  } catch (error) {
    throw new DatasetError(file, `cannot be read: ${messageOf(error)}`, { cause: error });
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const entries = await readTarEntries(createReadStream(file), file, (name) => WANTED.has(basename(name)), { gzip });
  // Keyed by base name: the archive stores them under cifar-10-batches-bin/.
  return new Map([...entries].map(([name, bytes]) => [basename(name), { bytes, file: `${file}:${name}` }]));
}
