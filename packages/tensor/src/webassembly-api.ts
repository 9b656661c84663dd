// Minimal typings for the WebAssembly JavaScript API. @types/node 20 does not declare the
// `WebAssembly` global and the DOM lib would pull browser globals into a Node library, so
// funt declares the few members it uses.

/**
 * Minimal typings for the WebAssembly JavaScript API. @types/node 20 does not declare the
 * `WebAssembly` global and the DOM lib would pull browser globals into every host's code, so
 * funt declares the few members it uses.
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
  compile(bytes: ArrayBufferView | ArrayBuffer): Promise<WasmModule>;
}

export const WebAssemblyApi: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
