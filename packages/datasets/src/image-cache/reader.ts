import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { DatasetError, messageOf } from '../errors.js';
import { type ImageSet, imageSet } from '../image-set.js';
import { type ImageCacheHeader, readImageCacheHeader, readImageCacheLabels } from './format.js';

/**
 * An image cache file (format.ts) open for reading: the header and labels are read and checked
 * when it opens; pixels are read on demand with positioned reads (`fs.readSync` at an offset),
 * so memory holds the labels and the rows asked for, never the file.
 */
export class ImageCacheFile {
  readonly shape: ImageCacheHeader['shape'];
  readonly classNames: string[];
  /** One label per image (−1: unlabelled). */
  readonly labels: Int32Array;
  /** Pixels per image (C·H·W). */
  readonly imageSize: number;
  private readonly pixelsAt: number;
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new DatasetError(path, 'not a regular file (an image cache is a file)');
    const read = (position: number, length: number) => this.readBytes(position, new Uint8Array(length), 0);
    const header = readImageCacheHeader(read, stat.size, path);
    this.shape = header.shape;
    this.classNames = header.classNames;
    this.pixelsAt = header.pixelsAt;
    this.imageSize = header.shape[1] * header.shape[2] * header.shape[3];
    this.labels = readImageCacheLabels(read, header, path);
  }

  /** Opens and checks `path`; a missing, unreadable or damaged file throws a DatasetError naming it. */
  static open(path: string): ImageCacheFile {
    let fd: number;
    try {
      // Checked before opening: opening a FIFO for reading would wait for a writer.
      if (!statSync(path).isFile()) throw new DatasetError(path, 'not a regular file (an image cache is a file)');
      fd = openSync(path, 'r');
    } catch (cause) {
      if (cause instanceof DatasetError) throw cause;
      throw new DatasetError(path, `cannot open the image cache: ${messageOf(cause)}`, { cause });
    }
    try {
      return new ImageCacheFile(path, fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Reads `dst.length - offset` bytes at `position` into `dst` from `offset`; a short read is an error. */
  private readBytes(position: number, dst: Uint8Array, offset: number, length = dst.length - offset): Uint8Array {
    if (this.fd === null) throw new DatasetError(this.path, 'read after close');
    let done = 0;
    while (done < length) {
      let got: number;
      try {
        // One call reads at most 1 GiB (Node refuses lengths of 2 GiB and more).
        got = readSync(this.fd, dst, offset + done, Math.min(length - done, 1 << 30), position + done);
      } catch (cause) {
        throw new DatasetError(this.path, `read failed: ${messageOf(cause)}`, { offset: position + done, cause });
      }
      if (got === 0)
        throw new DatasetError(this.path, 'file ended early (changed since it was opened?)', {
          offset: position + done,
        });
      done += got;
    }
    return dst;
  }

  /** Writes image `i`'s C·H·W pixels into `dst` from `offset`. */
  readImage(i: number, dst: Uint8Array, offset = 0): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.shape[0]) {
      throw new RangeError(`${this.path}: image ${i} out of range for ${this.shape[0]} images`);
    }
    this.readBytes(this.pixelsAt + i * this.imageSize, dst, offset, this.imageSize);
  }

  /** The given images (all of them by default) as an in-memory ImageSet, in that order. */
  toImageSet(rows?: ArrayLike<number>): ImageSet {
    const [n, c, h, w] = this.shape;
    const count = rows ? rows.length : n;
    const images = new Uint8Array(count * this.imageSize);
    const labels = new Int32Array(count);
    if (!rows) this.readBytes(this.pixelsAt, images, 0);
    for (let k = 0; rows && k < count; k++) {
      this.readImage(rows[k], images, k * this.imageSize);
      labels[k] = this.labels[rows[k]];
    }
    if (!rows) labels.set(this.labels);
    return imageSet(images, [count, c, h, w], labels, [...this.classNames]);
  }

  /** Closes the file; later reads throw. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
