import { type WasmMemory, WebAssemblyApi } from '../../webassembly-api.js';

/** The one memory the kernels and every tensor live in. */
export interface KernelMemory {
  memory: WasmMemory;
  /** Shared: worker threads can run kernels on it, and views of it never detach when it grows. */
  shared: boolean;
}

/** 64 KiB pages. Shared memories must declare a maximum; 65536 pages is all of wasm32. */
const INITIAL_PAGES = 256;
const MAXIMUM_PAGES = 65536;

/**
 * Sizes tried, largest first, for an unshared memory, which is created at its full size and
 * never grows: growing an unshared memory detaches every typed-array view of it, and every
 * tensor's `data` is such a view. Untouched pages cost address space, not RAM.
 */
const UNSHARED_PAGES = [16384, 8192, 4096];

/**
 * A shared memory where the engine allows one (Node; Chromium; any cross-origin isolated page),
 * else an unshared one of fixed size (Firefox and Safari outside cross-origin isolation), on
 * which the kernels run on one thread.
 */
export function createKernelMemory(): KernelMemory {
  try {
    return {
      memory: new WebAssemblyApi.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true }),
      shared: true,
    };
  } catch {
    // Shared memory is refused outside cross-origin isolation; fall back to a fixed unshared one.
  }
  for (const pages of UNSHARED_PAGES) {
    try {
      return { memory: new WebAssemblyApi.Memory({ initial: pages, maximum: pages }), shared: false };
    } catch {
      // Not that much address space: try a smaller memory.
    }
  }
  throw new Error(
    `@funt/tensor: this engine created neither a shared WebAssembly memory nor an unshared one of ${UNSHARED_PAGES.at(-1)! / 16} MiB`,
  );
}
