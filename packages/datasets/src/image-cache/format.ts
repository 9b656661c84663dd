import { DatasetError } from '../errors.js';

/**
 * The decoded image cache file: a data set's images as uint8 pixels on disk, so that training
 * can read the rows of each batch with positioned reads instead of holding the set in memory.
 * Little-endian throughout:
 *
 * | bytes | what |
 * | --- | --- |
 * | 8 | magic `FUNTIMG\n` |
 * | 4 | format version (1) |
 * | 4 × 4 | N, C, H, W (images, channels, height, width) |
 * | 4 | K, the number of classes |
 * | K × (4 + len) | each class name: its UTF-8 byte length, then the bytes |
 * | 4 × N | labels (int32; −1 marks an unlabelled image, else 0..K−1) |
 * | N·C·H·W | pixels, uint8, row-major N×C×H×W |
 *
 * The file ends exactly there: a shorter or longer file is rejected.
 */
export const IMAGE_CACHE_MAGIC = 'FUNTIMG\n';
/** The version this code writes and reads. */
export const IMAGE_CACHE_VERSION = 1;
/** Bytes before the class names: magic, version, N, C, H, W, K. */
const FIXED_BYTES = 8 + 4 * 6;
/** Longest class name accepted, in UTF-8 bytes (a bound for damaged files). */
const MAX_NAME_BYTES = 4096;

/** What the header says: the shape, the class names and where the labels and pixels start. */
export interface ImageCacheHeader {
  shape: [n: number, c: number, h: number, w: number];
  classNames: string[];
  /** Byte offset of the labels. */
  labelsAt: number;
  /** Byte offset of the pixels (image i starts at pixelsAt + i·C·H·W). */
  pixelsAt: number;
}

/** The header's bytes (magic to class names) for a set of this shape and these classes. */
export function encodeImageCacheHeader(shape: readonly number[], classNames: readonly string[]): Uint8Array {
  const names = classNames.map((name) => new TextEncoder().encode(name));
  const bytes = Buffer.alloc(FIXED_BYTES + names.reduce((sum, b) => sum + 4 + b.length, 0));
  bytes.write(IMAGE_CACHE_MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(IMAGE_CACHE_VERSION, 8);
  shape.forEach((d, i) => bytes.writeUInt32LE(d, 12 + 4 * i));
  bytes.writeUInt32LE(names.length, 28);
  let at = FIXED_BYTES;
  for (const name of names) {
    bytes.writeUInt32LE(name.length, at);
    bytes.set(name, at + 4);
    at += 4 + name.length;
  }
  return bytes;
}

/** Reads `length` bytes at `position` of a file (positioned reads: the file is never read whole). */
export type ReadAt = (position: number, length: number) => Uint8Array;

/**
 * Reads and checks the header of an image cache of `size` bytes through `read`. Every count is
 * checked against the file's size before anything is allocated for it, so a damaged header
 * cannot make the reader allocate more than the file holds. Errors are `DatasetError`s naming
 * `file` and the byte offset.
 */
export function readImageCacheHeader(read: ReadAt, size: number, file: string): ImageCacheHeader {
  if (size < FIXED_BYTES) {
    throw new DatasetError(file, 'truncated image cache header', {
      offset: 0,
      expected: `≥ ${FIXED_BYTES} bytes`,
      found: size,
    });
  }
  const fixed = Buffer.from(read(0, FIXED_BYTES));
  const magic = fixed.toString('latin1', 0, 8);
  if (magic !== IMAGE_CACHE_MAGIC) {
    throw new DatasetError(file, 'not a funt image cache (wrong magic)', {
      offset: 0,
      expected: JSON.stringify(IMAGE_CACHE_MAGIC),
      found: JSON.stringify(magic),
    });
  }
  const version = fixed.readUInt32LE(8);
  if (version !== IMAGE_CACHE_VERSION) {
    throw new DatasetError(file, 'unsupported image cache version', {
      offset: 8,
      expected: IMAGE_CACHE_VERSION,
      found: version,
    });
  }
  const shape = [12, 16, 20, 24].map((at) => fixed.readUInt32LE(at)) as ImageCacheHeader['shape'];
  const [n, c, h, w] = shape;
  if (c < 1 || h < 1 || w < 1) {
    throw new DatasetError(file, 'image shape has a zero dimension', { offset: 16, found: `${c}×${h}×${w}` });
  }
  const k = fixed.readUInt32LE(28);
  // Each name takes at least its 4-byte length: more names than that cannot fit.
  if (k > (size - FIXED_BYTES) / 4) {
    throw new DatasetError(file, 'class count larger than the file can hold', { offset: 28, found: k });
  }
  const classNames: string[] = [];
  let at = FIXED_BYTES;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < k; i++) {
    if (at + 4 > size) throw new DatasetError(file, `truncated in the name of class ${i}`, { offset: at });
    const length = Buffer.from(read(at, 4)).readUInt32LE(0);
    if (length > MAX_NAME_BYTES || at + 4 + length > size) {
      throw new DatasetError(file, `class ${i}'s name is longer than the file or the limit`, {
        offset: at,
        expected: `≤ ${Math.min(MAX_NAME_BYTES, size - at - 4)} bytes`,
        found: length,
      });
    }
    try {
      classNames.push(decoder.decode(read(at + 4, length)));
    } catch (cause) {
      throw new DatasetError(file, `class ${i}'s name is not UTF-8`, { offset: at + 4, cause });
    }
    at += 4 + length;
  }
  const labelsAt = at;
  const pixelsAt = labelsAt + 4 * n;
  const expected = pixelsAt + n * c * h * w;
  if (size !== expected) {
    throw new DatasetError(file, size < expected ? 'truncated image cache' : 'image cache has trailing bytes', {
      offset: Math.min(size, expected),
      expected: `${expected} bytes for ${n} images of ${c}×${h}×${w}`,
      found: size,
    });
  }
  return { shape, classNames, labelsAt, pixelsAt };
}

/**
 * Reads and checks the labels (int32 each, −1 or a class index) of an image cache whose header
 * is `header`.
 */
export function readImageCacheLabels(read: ReadAt, header: ImageCacheHeader, file: string): Int32Array {
  const n = header.shape[0];
  const bytes = read(header.labelsAt, 4 * n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const labels = new Int32Array(n);
  const k = header.classNames.length;
  for (let i = 0; i < n; i++) {
    const label = view.getInt32(4 * i, true);
    if (label < -1 || label >= k) {
      throw new DatasetError(file, `label of image ${i} out of range`, {
        offset: header.labelsAt + 4 * i,
        expected: `-1..${k - 1}`,
        found: label,
      });
    }
    labels[i] = label;
  }
  return labels;
}
