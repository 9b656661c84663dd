/**
 * Makes a WebAssembly module safe to instantiate more than once on one shared memory.
 *
 * AssemblyScript emits its static data (Mathf's lookup tables, constants) as *active* data
 * segments, which every instantiation copies into memory again. With worker threads each worker
 * instantiates the module on the memory the caller is already using, so those copies would race
 * with kernels reading the tables (harmless only as long as the bytes never change) and, worse,
 * with anything else living at those addresses. `passiveData` rewrites every active segment as
 * a passive one (flag 1, which instantiation leaves alone and no code here ever `memory.init`s)
 * and returns the segments, so that the loader writes them exactly once, before any instance
 * exists. A start function would run on every instantiation too, so a module with one is refused.
 */

import { concatBytes, Reader, u32Bytes } from './binary-reader.js';

export interface DataSegment {
  /** Byte address in linear memory. */
  offset: number;
  bytes: Uint8Array;
}

const DATA_SECTION = 11;
const START_SECTION = 8;
const I32_CONST = 0x41;
const END = 0x0b;

/**
 * The module with its active data segments made passive, and those segments. Throws, naming
 * the problem, for a start section or a segment whose offset is not a constant (`i32.const`).
 */
export function passiveData(binary: Uint8Array): { binary: Uint8Array; segments: DataSegment[] } {
  const r = new Reader(binary, 8); // magic and version
  const parts: Uint8Array[] = [binary.subarray(0, 8)];
  const segments: DataSegment[] = [];
  while (r.pos < binary.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const body = r.pos;
    r.pos = body + size;
    if (id === START_SECTION) {
      throw new Error('wasm module: it has a start function, which would run again in every worker thread');
    }
    if (id !== DATA_SECTION) {
      parts.push(binary.subarray(start, r.pos));
      continue;
    }
    const d = new Reader(binary, body);
    const count = d.u32();
    const out: Uint8Array[] = [Uint8Array.from(u32Bytes(count))];
    for (let i = 0; i < count; i++) {
      const flags = d.u32();
      if (flags === 1) {
        const length = d.u32();
        out.push(Uint8Array.from([1, ...u32Bytes(length)]), binary.subarray(d.pos, d.pos + length));
        d.pos += length;
        continue;
      }
      if (flags === 2 && d.u32() !== 0) throw new Error(`wasm module: data segment ${i} is for a memory other than 0`);
      if (flags !== 0 && flags !== 2) throw new Error(`wasm module: data segment ${i} has unknown flags ${flags}`);
      if (d.byte() !== I32_CONST)
        throw new Error(`wasm module: data segment ${i} has an offset that is not an i32.const`);
      const offset = d.i32() >>> 0;
      if (d.byte() !== END) throw new Error(`wasm module: data segment ${i} has an offset that is not an i32.const`);
      const length = d.u32();
      const bytes = binary.slice(d.pos, d.pos + length);
      d.pos += length;
      segments.push({ offset, bytes });
      out.push(Uint8Array.from([1, ...u32Bytes(length)]), bytes);
    }
    const bodySize = out.reduce((n, p) => n + p.length, 0);
    parts.push(Uint8Array.from([DATA_SECTION, ...u32Bytes(bodySize)]), ...out);
  }
  return { binary: concatBytes(parts), segments };
}
