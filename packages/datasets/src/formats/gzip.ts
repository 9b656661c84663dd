import { gunzipSync } from 'node:zlib';
import { DatasetError, messageOf } from '../errors.js';

/** Largest decompressed size accepted by default: bigger than any file these loaders read. */
export const DEFAULT_MAX_BYTES = 1 << 30;

/** True when the bytes start with the gzip magic number 1f 8b. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The bytes themselves, or their gunzipped content when they are gzip data (detected by the
 * magic number, not the file name). Decompression stops at `maxBytes` so that a corrupt or
 * malicious file cannot exhaust memory.
 */
export function maybeGunzip(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_BYTES): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const tooBig = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new DatasetError(
      file,
      tooBig ? `decompresses to more than ${maxBytes} bytes` : `is not valid gzip data: ${messageOf(error)}`,
      { cause: error },
    );
  }
}
