// Minimal typings for the WebAssembly JavaScript API. @types/node 20 does not declare the
// `WebAssembly` global and the DOM lib would pull browser globals into a Node library, so
// funt declares the few members it uses.

/**
 * The members of a `WebAssembly.Memory` that funt uses: the buffer its tensors view, and `grow`
 * (in 64 KiB pages). A `HeapAllocator` allocates in one.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Adds `deltaPages` pages of 64 KiB and returns the previous size in pages; throws when it cannot. */
  grow(deltaPages: number): number;
}

export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}

interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: ArrayBufferView | ArrayBuffer) => WasmModule;
  Instance: new (module: WasmModule, imports?: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}

export const WebAssemblyApi: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
