import { Reader } from './binary-reader.js';

/**
 * The module importing an unshared memory instead of a shared one. Browsers create shared
 * memory only in cross-origin isolated pages (Chromium allows it anywhere, Firefox and Safari do
 * not), and a module whose memory import says "shared" refuses an unshared memory. The kernels
 * use no atomic instructions and no thread runs beside them there, so only the import's limits
 * flag changes (3, shared with a maximum → 1, a maximum): the same byte count, the same code.
 */
export function unsharedMemoryImport(binary: Uint8Array): Uint8Array {
  const out = binary.slice();
  const r = new Reader(out, 8);
  while (r.pos < out.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id !== IMPORT_SECTION) {
      r.pos = end;
      continue;
    }
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      skipName(r); // module
      skipName(r); // field
      const kind = r.byte();
      if (kind === MEMORY) {
        if (out[r.pos] === SHARED_WITH_MAXIMUM) out[r.pos] = WITH_MAXIMUM;
        return out;
      }
      skipImport(r, kind);
    }
    break;
  }
  throw new Error('wasm module: it imports no memory');
}

const IMPORT_SECTION = 2;
const MEMORY = 2;
const WITH_MAXIMUM = 1;
const SHARED_WITH_MAXIMUM = 3;

function skipName(r: Reader): void {
  const length = r.u32();
  r.pos += length;
}

function skipImport(r: Reader, kind: number): void {
  if (kind === 0)
    r.u32(); // function: type index
  else if (kind === 1) {
    r.byte(); // table: element type, then limits
    const flags = r.byte();
    r.u32();
    if (flags & 1) r.u32();
  } else if (kind === 3)
    r.pos += 2; // global: value type, mutability
  else if (kind === 4) {
    r.byte(); // tag: attribute, type index
    r.u32();
  } else throw new Error(`wasm module: unknown import kind ${kind}`);
}
