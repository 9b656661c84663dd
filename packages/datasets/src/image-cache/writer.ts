import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { ImageSet } from '../image-set.js';
import { encodeImageCacheHeader } from './format.js';

/** The shape and classes of the image cache a writer makes. */
export interface ImageCacheLayout {
  /** Images the file will hold: exactly this many are appended. */
  count: number;
  channels: number;
  height: number;
  width: number;
  classNames: readonly string[];
}

/** Pixels are written in chunks of about this many bytes. */
const CHUNK_BYTES = 1 << 22;

/**
 * Writes an image cache (format.ts) one image at a time, so that a loader decoding many files
 * never holds the decoded set: only the labels (4 bytes an image) and one chunk of pixels stay
 * in memory. The file is written under a temporary name next to `path` and renamed by `close()`,
 * so a reader never sees half a cache; `abort()` (or a failed `close()`) removes it.
 */
export class ImageCacheWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private readonly labelsAt: number;
  private readonly imageBytes: number;
  private readonly labels: Int32Array;
  private readonly chunk: Uint8Array;
  private filled = 0;
  private position: number;
  private appended = 0;
  private open = true;

  constructor(
    readonly path: string,
    readonly layout: ImageCacheLayout,
  ) {
    const { count, channels, height, width, classNames } = layout;
    for (const [name, v] of Object.entries({ count, channels, height, width })) {
      if (!Number.isInteger(v) || v < (name === 'count' ? 0 : 1) || v > 0xffffffff) {
        throw new RangeError(
          `ImageCacheWriter ${path}: ${name} must be an integer ≥ ${name === 'count' ? 0 : 1}, got ${v}`,
        );
      }
    }
    this.imageBytes = channels * height * width;
    this.labels = new Int32Array(count);
    this.chunk = new Uint8Array(Math.max(this.imageBytes, Math.min(CHUNK_BYTES, count * this.imageBytes)));
    this.tmp = `${path}.${process.pid}.tmp`;
    const header = encodeImageCacheHeader([count, channels, height, width], classNames);
    this.fd = openSync(this.tmp, 'w');
    writeSync(this.fd, header, 0, header.length, 0);
    this.labelsAt = header.length;
    // The labels go between the header and the pixels; they are written by close().
    this.position = header.length + 4 * count;
  }

  /** Images appended so far. */
  get count(): number {
    return this.appended;
  }

  /** Appends one image: C·H·W uint8 pixels, row-major, and its label (−1: unlabelled). */
  append(pixels: Uint8Array, label: number): void {
    if (!this.open) throw new Error(`ImageCacheWriter ${this.path}: append after close or abort`);
    if (this.appended >= this.layout.count) {
      throw new RangeError(`ImageCacheWriter ${this.path}: more than the ${this.layout.count} images declared`);
    }
    if (pixels.length !== this.imageBytes) {
      throw new RangeError(
        `ImageCacheWriter ${this.path}: an image has ${pixels.length} pixels, expected ${this.imageBytes}`,
      );
    }
    const k = this.layout.classNames.length;
    if (!Number.isInteger(label) || label < -1 || label >= k) {
      throw new RangeError(
        `ImageCacheWriter ${this.path}: label ${label} of image ${this.appended} is not -1..${k - 1}`,
      );
    }
    if (this.filled + pixels.length > this.chunk.length) this.flush();
    this.chunk.set(pixels, this.filled);
    this.filled += pixels.length;
    this.labels[this.appended++] = label;
  }

  private flush(): void {
    let done = 0;
    while (done < this.filled) {
      done += writeSync(this.fd, this.chunk, done, this.filled - done, this.position + done);
    }
    this.position += this.filled;
    this.filled = 0;
  }

  /** Writes the labels, syncs and renames the file to `path`. Every declared image must have been appended. */
  close(): void {
    if (!this.open) throw new Error(`ImageCacheWriter ${this.path}: closed twice`);
    try {
      if (this.appended !== this.layout.count) {
        throw new RangeError(
          `ImageCacheWriter ${this.path}: ${this.appended} of the ${this.layout.count} declared images appended`,
        );
      }
      this.flush();
      const labels = Buffer.alloc(4 * this.layout.count);
      this.labels.forEach((l, i) => labels.writeInt32LE(l, 4 * i));
      writeSync(this.fd, labels, 0, labels.length, this.labelsAt);
      fsyncSync(this.fd);
    } catch (error) {
      this.abort();
      throw error;
    }
    this.open = false;
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }

  /** Drops the partial file. */
  abort(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
  }
}

/** Writes an ImageSet of uint8 pixels (any loader's output) as an image cache at `path`. */
export function writeImageCache(path: string, set: ImageSet): void {
  if (!(set.images instanceof Uint8Array)) {
    throw new TypeError(`writeImageCache ${path}: the image cache holds uint8 pixels, this set holds float32`);
  }
  const [count, channels, height, width] = set.shape;
  const writer = new ImageCacheWriter(path, { count, channels, height, width, classNames: set.classNames });
  const size = channels * height * width;
  try {
    for (let i = 0; i < count; i++) writer.append(set.images.subarray(i * size, (i + 1) * size), set.labels[i]);
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.close();
}
