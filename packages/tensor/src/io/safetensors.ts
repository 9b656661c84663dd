import type { DataArray, DType } from '../dtype.js';
import { arrayConstructor, bytesPerElement } from '../dtype.js';
import { getBackend } from '../engine.js';
import { formatShape } from '../errors.js';
import { Tensor } from '../tensor.js';

/**
 * The safetensors format (https://github.com/huggingface/safetensors), as published:
 *
 *   bytes 0..8      N, the header length: unsigned 64-bit little-endian
 *   bytes 8..8+N    a UTF-8 JSON object, starting with '{', padded with spaces (0x20):
 *                   { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] },
 *                     "__metadata__": { "<key>": "<string value>" } }
 *   bytes 8+N..     the data: each tensor's elements, row-major, little-endian, at
 *                   [begin, end) relative to the start of the data section. The tensors tile
 *                   the data section exactly: no gaps, no overlaps, no trailing bytes.
 *
 * The header is untrusted input: every value in it is checked against the real file size
 * before anything is allocated from it, and every failure is a SafetensorsError naming the
 * file and, where there is one, the tensor.
 */

/** Largest header accepted, as in the reference implementation: a bigger one is an attack or damage. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** Every dtype the format defines, with its size in bytes (sub-byte float formats as 0: unsupported anyway). */
const FORMAT_DTYPES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
  F4: 0,
  F6_E2M3: 0,
  F6_E3M2: 0,
};

/** The dtypes funt reads and writes, and their names in the format. */
const FORMAT_OF: Readonly<Record<DType, string>> = { float32: 'F32', float64: 'F64' };
const DTYPE_OF: Readonly<Record<string, DType>> = { F32: 'float32', F64: 'float64' };

const METADATA_KEY = '__metadata__';

/** Host byte order: the format is little-endian, so a big-endian host swaps bytes on copy. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A malformed, truncated or unsupported safetensors file (or an invalid request to write one). */
export class SafetensorsError extends Error {
  /** The file (or the name given to an in-memory buffer). */
  readonly source: string;
  /** The tensor concerned, or null when the problem is with the file as a whole. */
  readonly tensor: string | null;
  constructor(source: string, tensor: string | null, detail: string) {
    super(`safetensors '${source}'${tensor !== null ? `, tensor '${tensor}'` : ''}: ${detail}`);
    this.name = 'SafetensorsError';
    this.source = source;
    this.tensor = tensor;
  }
}

/** One tensor's header entry, checked against the data section. */
export interface SafetensorsEntry {
  name: string;
  /** The format's dtype name: 'F32', 'F64', 'F16', … */
  formatDType: string;
  shape: number[];
  /** Byte range relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
}

/** How `loadSafetensors` and `decodeSafetensors` convert what they read. */
export interface SafetensorsReadOptions {
  /** Convert every tensor to this dtype (e.g. 'float32' to read an F64 file onto a float32-only backend). */
  dtype?: DType;
  /**
   * Skip tensors of dtypes funt cannot hold (F16, BF16, I64, …) instead of failing; their names
   * are returned in `skipped`. Useful for PyTorch files, whose batch norms carry an I64 counter.
   */
  skipUnsupported?: boolean;
}

/**
 * What a safetensors file holds: tensors by name (new tensors on the active backend, owned by the caller),
 * the header's string metadata, and the names of skipped tensors.
 */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
  /** Names of tensors skipped under `skipUnsupported`. */
  skipped: string[];
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * The file as a list of byte chunks: the length prefix and padded header, then a view of each
 * tensor's elements (no copy on little-endian hosts). Tensors are laid out largest element
 * first, then by name, so every tensor starts at a multiple of its element size.
 */
export function safetensorsChunks(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
  source = '<memory>',
): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new SafetensorsError(source, null, `metadata must be an object of strings, got ${describe(metadata)}`);
  }
  const metaKeys = Object.keys(metadata);
  if (metaKeys.length > 0) {
    for (const k of metaKeys) {
      if (typeof metadata[k] !== 'string') {
        throw new SafetensorsError(
          source,
          null,
          `metadata value of '${k}' must be a string, got ${describe(metadata[k])}`,
        );
      }
    }
    header[METADATA_KEY] = { ...metadata };
  }
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new SafetensorsError(source, null, `tensors must be an object of name -> Tensor, got ${describe(tensors)}`);
  }
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (name === '' || name === METADATA_KEY) throw new SafetensorsError(source, name, 'is not a valid tensor name');
    if (!(t instanceof Tensor)) throw new SafetensorsError(source, name, `expected a Tensor, got ${describe(t)}`);
    if (t.isDisposed) throw new SafetensorsError(source, name, 'tensor was disposed');
  }
  names.sort(
    (a, b) => bytesPerElement(tensors[b].dtype) - bytesPerElement(tensors[a].dtype) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const data: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const bytes = toLittleEndianBytes(t.data);
    setOwn(header, name, {
      dtype: FORMAT_OF[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.byteLength],
    });
    data.push(bytes);
    offset += bytes.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad so that the data section starts 8-byte aligned, as the reference writer does.
  const headerLength = Math.ceil((8 + json.byteLength) / 8) * 8 - 8;
  const head = new Uint8Array(8 + headerLength).fill(0x20);
  new DataView(head.buffer).setBigUint64(0, BigInt(headerLength), true);
  head.set(json, 8);
  return [head, ...data];
}

/** The whole file in memory. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const chunks = safetensorsChunks(tensors, metadata);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Reads the 8-byte length prefix and checks it against the file size and the cap. */
export function parseHeaderLength(prefix: Uint8Array, fileBytes: number, source: string): number {
  if (fileBytes < 8 || prefix.byteLength < 8) {
    throw new SafetensorsError(source, null, `file of ${fileBytes} bytes is too short for the 8-byte header length`);
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      source,
      null,
      `header length ${n} exceeds the cap of ${SAFETENSORS_MAX_HEADER_BYTES} bytes`,
    );
  }
  if (n > BigInt(fileBytes - 8)) {
    throw new SafetensorsError(
      source,
      null,
      `header length ${n} is larger than the file (${fileBytes} bytes, ${fileBytes - 8} after the length)`,
    );
  }
  return Number(n);
}

/**
 * Parses and checks a header against a data section of `dataBytes` bytes: JSON syntax, the
 * shape of every entry, dtypes, sizes against shape x dtype, offsets in range, and that the
 * tensors tile the data section without gaps or overlaps.
 */
export function parseHeader(headerBytes: Uint8Array, dataBytes: number, source: string): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new SafetensorsError(source, null, 'header is not valid UTF-8');
  }
  if (text[0] !== '{') {
    throw new SafetensorsError(source, null, `header must start with '{', got ${JSON.stringify(text.slice(0, 16))}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SafetensorsError(source, null, `header is not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(json)) throw new SafetensorsError(source, null, 'header must be a JSON object');

  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, raw] of Object.entries(json)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(raw)) throw new SafetensorsError(source, null, `${METADATA_KEY} must be an object of strings`);
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== 'string')
          throw new SafetensorsError(
            source,
            null,
            `${METADATA_KEY} value of '${k}' must be a string, got ${describe(v)}`,
          );
        setOwn(metadata, k, v);
      }
      continue;
    }
    entries.push(parseEntry(name, raw, dataBytes, source));
  }

  // The tensors must tile [0, dataBytes) exactly.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin < expected) {
      throw new SafetensorsError(
        source,
        e.name,
        `data_offsets [${e.begin}, ${e.end}] overlap the previous tensor, which ends at ${expected}`,
      );
    }
    if (e.begin > expected) {
      throw new SafetensorsError(
        source,
        e.name,
        `data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${expected}`,
      );
    }
    expected = e.end;
  }
  if (expected !== dataBytes) {
    throw new SafetensorsError(source, null, `tensors cover ${expected} bytes but the data section holds ${dataBytes}`);
  }
  return { entries, metadata };
}

function parseEntry(name: string, raw: unknown, dataBytes: number, source: string): SafetensorsEntry {
  if (!isPlainObject(raw)) throw new SafetensorsError(source, name, `entry must be an object, got ${describe(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string')
    throw new SafetensorsError(source, name, `dtype must be a string, got ${describe(dtype)}`);
  const elementBytes = FORMAT_DTYPES[dtype];
  if (!Object.hasOwn(FORMAT_DTYPES, dtype)) {
    throw new SafetensorsError(
      source,
      name,
      `unknown dtype ${JSON.stringify(dtype)} (the format defines ${Object.keys(FORMAT_DTYPES).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(source, name, `shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new SafetensorsError(
      source,
      name,
      `data_offsets must be [begin, end] non-negative integers, got ${describe(offsets)}`,
    );
  }
  const [begin, end] = offsets as number[];
  if (begin > end) throw new SafetensorsError(source, name, `data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataBytes) {
    throw new SafetensorsError(
      source,
      name,
      `data_offsets [${begin}, ${end}] run past the data section of ${dataBytes} bytes`,
    );
  }
  // Multiply with an early exit, so a shape like [1e15, 1e15] cannot overflow into a plausible size.
  let count = 1;
  for (const d of shape as number[]) {
    count *= d;
    if (count > dataBytes && count !== 0) break;
  }
  const shapeList = shape as number[];
  if (shapeList.includes(0)) count = 0;
  if (elementBytes > 0 && count * elementBytes !== end - begin) {
    throw new SafetensorsError(
      source,
      name,
      `holds ${end - begin} bytes but shape ${formatShape(shapeList)} of ${dtype} needs ${count > dataBytes ? `more than ${dataBytes}` : count * elementBytes}`,
    );
  }
  return { name, formatDType: dtype, shape: [...shapeList], begin, end };
}

/** Decodes a file held in memory. `source` names it in errors. */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: SafetensorsReadOptions & { source?: string } = {},
): SafetensorsContents {
  const source = options.source ?? '<memory>';
  if (!(bytes instanceof Uint8Array))
    throw new SafetensorsError(source, null, `expected a Uint8Array, got ${describe(bytes)}`);
  const n = parseHeaderLength(bytes, bytes.byteLength, source);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.byteLength - 8 - n, source);
  const dataStart = 8 + n;
  return materialise(header, source, options, (e, into) =>
    into.set(bytes.subarray(dataStart + e.begin, dataStart + e.end)),
  );
}

/**
 * Allocates the tensors of a checked header and fills them through `read`, which copies an
 * entry's raw bytes into the given buffer. Every size here has been checked against the data.
 */
export function materialise(
  header: SafetensorsHeader,
  source: string,
  options: SafetensorsReadOptions,
  read: (entry: SafetensorsEntry, into: Uint8Array) => void,
): SafetensorsContents {
  const backend = getBackend();
  const tensors: Record<string, Tensor> = {};
  const skipped: string[] = [];
  const wanted: SafetensorsEntry[] = [];
  for (const e of header.entries) {
    if (Object.hasOwn(DTYPE_OF, e.formatDType)) wanted.push(e);
    else if (options.skipUnsupported) skipped.push(e.name);
    else {
      throw new SafetensorsError(
        source,
        e.name,
        `unsupported dtype ${e.formatDType} (funt reads F32 and F64; pass { skipUnsupported: true } to skip it)`,
      );
    }
  }
  try {
    for (const e of wanted) {
      const fileDType = DTYPE_OF[e.formatDType];
      const dtype = options.dtype ?? fileDType;
      if (!backend.dtypes.includes(dtype)) {
        throw new SafetensorsError(
          source,
          e.name,
          `backend '${backend.name}' cannot hold ${dtype}; pass { dtype: '${backend.dtypes[0]}' } to convert`,
        );
      }
      const t = Tensor.empty(e.shape, dtype, backend);
      setOwn(tensors, e.name, t);
      if (dtype === fileDType && HOST_LITTLE_ENDIAN) {
        read(e, byteView(t.data));
      } else {
        // Convert through a scratch array of the file's dtype (and byte order).
        const raw = new Uint8Array(e.end - e.begin);
        read(e, raw);
        t.data.set(fromLittleEndianBytes(raw, fileDType));
      }
    }
  } catch (err) {
    for (const t of Object.values(tensors)) t.dispose();
    throw err;
  }
  return { tensors, metadata: header.metadata, skipped };
}

// ---------------------------------------------------------------------------------------------
// Byte order

function byteView(data: DataArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The elements as little-endian bytes: a view on little-endian hosts, a swapped copy otherwise. */
export function toLittleEndianBytes(data: DataArray, hostLittleEndian = HOST_LITTLE_ENDIAN): Uint8Array {
  if (hostLittleEndian) return byteView(data);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  const f64 = data instanceof Float64Array;
  for (let i = 0; i < data.length; i++) {
    if (f64) view.setFloat64(i * 8, data[i], true);
    else view.setFloat32(i * 4, data[i], true);
  }
  return out;
}

/** Little-endian bytes (at any alignment) as a typed array of `dtype`. */
export function fromLittleEndianBytes(
  bytes: Uint8Array,
  dtype: DType,
  hostLittleEndian = HOST_LITTLE_ENDIAN,
): DataArray {
  const size = bytesPerElement(dtype);
  const out = new (arrayConstructor(dtype))(bytes.byteLength / size);
  if (hostLittleEndian) {
    byteView(out).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++)
    out[i] = size === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Sets an own property even for names like `__proto__`, which plain assignment would not store. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A short description of an untrusted value for an error message (never the whole value). */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v))
    return `[${v
      .slice(0, 8)
      .map((x) => (typeof x === 'number' ? String(x) : typeof x))
      .join(', ')}${v.length > 8 ? ', …' : ''}]`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return String(v);
}
