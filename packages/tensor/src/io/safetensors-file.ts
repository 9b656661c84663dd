import * as fs from 'node:fs';
import type { Tensor } from '../tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  materialise,
  parseHeader,
  parseHeaderLength,
  type SafetensorsContents,
  SafetensorsError,
  type SafetensorsReadOptions,
  safetensorsChunks,
} from './safetensors.js';

/**
 * safetensors files (Node only: `node:fs`). The format itself, checks included, is
 * safetensors.ts, which works on bytes on every host.
 */

/**
 * Writes a state dict (and string metadata, e.g. a model config as JSON) to `path`, atomically:
 * a temp file in the same folder, fsync, rename. A crash leaves the previous file intact.
 */
export function saveSafetensors(
  tensors: Record<string, Tensor>,
  path: string,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, safetensorsChunks(tensors, metadata, path));
}

/** Reads a file: the header first (checked), then each tensor straight into its own memory. */
export function loadSafetensors(path: string, options: SafetensorsReadOptions = {}): SafetensorsContents {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    throw new SafetensorsError(path, null, `cannot open: ${(err as Error).message}`);
  }
  try {
    const fileBytes = fs.fstatSync(fd).size;
    const prefix = new Uint8Array(8);
    if (fileBytes >= 8) readExactly(fd, prefix, 0, path);
    const n = parseHeaderLength(prefix, fileBytes, path);
    const headerBytes = new Uint8Array(n);
    readExactly(fd, headerBytes, 8, path);
    const header = parseHeader(headerBytes, fileBytes - 8 - n, path);
    return materialise(header, path, options, (e, into) => readExactly(fd, into, 8 + n + e.begin, path));
  } finally {
    fs.closeSync(fd);
  }
}

function readExactly(fd: number, into: Uint8Array, position: number, source: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const got = fs.readSync(fd, into, done, into.byteLength - done, position + done);
    if (got === 0)
      throw new SafetensorsError(source, null, `file ended early reading ${into.byteLength} bytes at ${position}`);
    done += got;
  }
}
