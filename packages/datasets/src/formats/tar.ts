import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { DatasetError, messageOf } from '../errors.js';

/** Options of `readTarEntries`. */
export interface TarReadOptions {
  /** Whether the archive is gzip-compressed (a .tar.gz). */
  gzip: boolean;
  /** Largest entry kept in memory (default 512 MiB); a larger wanted entry is an error. */
  maxEntryBytes?: number;
  /**
   * Largest total of the entries kept (default 1 GiB): many wanted entries (or one name
   * repeated) cannot add up past it.
   */
  maxTotalBytes?: number;
}

/**
 * Reads the wanted regular-file entries of a tar (or .tar.gz) archive into memory, streaming
 * past the others, so that a downloaded archive is used as it is, without unpacking by hand.
 * Entry names are as stored (e.g. `cifar-10-batches-bin/data_batch_1.bin`). Any malformed
 * input (bad gzip, bad tar header, truncation) is a DatasetError naming `file`.
 */
export async function readTarEntries(
  source: Uint8Array | Readable,
  file: string,
  want: (name: string) => boolean,
  options: TarReadOptions,
): Promise<Map<string, Buffer>> {
  const maxEntryBytes = options.maxEntryBytes ?? 512 * 1024 * 1024;
  const maxTotalBytes = options.maxTotalBytes ?? 1024 * 1024 * 1024;
  const found = new Map<string, Buffer>();
  let total = 0;
  const extract = tarStream.extract();
  extract.on('entry', (header, stream, next) => {
    // Errors surface through the pipeline; this handler only keeps them from being unhandled.
    stream.on('error', () => {});
    const keep = header.type === 'file' && want(header.name);
    if (keep && (header.size ?? 0) > maxEntryBytes) {
      extract.destroy(
        new DatasetError(file, `entry ${header.name} is too large`, {
          expected: `at most ${maxEntryBytes} bytes`,
          found: `${header.size} bytes`,
        }),
      );
      return;
    }
    // The header's size is what tar-stream passes on for this entry: the sum is checked up front.
    if (keep && total + (header.size ?? 0) > maxTotalBytes) {
      extract.destroy(
        new DatasetError(file, `entries wanted from the archive are too large in total (at ${header.name})`, {
          expected: `at most ${maxTotalBytes} bytes`,
          found: `${total + (header.size ?? 0)} bytes`,
        }),
      );
      return;
    }
    if (keep) {
      const previous = found.get(header.name);
      total += (header.size ?? 0) - (previous?.byteLength ?? 0);
    }
    const chunks: Buffer[] = [];
    if (keep) stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    stream.on('end', () => {
      if (keep) found.set(header.name, Buffer.concat(chunks));
      next();
    });
    stream.resume();
  });
  const input =
    source instanceof Readable
      ? source
      : Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]);
  try {
    if (options.gzip) await pipeline(input, createGunzip(), extract);
    else await pipeline(input, extract);
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const kind = options.gzip ? 'gzip-compressed tar archive' : 'tar archive';
    throw new DatasetError(file, `is not a valid ${kind}: ${messageOf(error)}`, { cause: error });
  }
  return found;
}
