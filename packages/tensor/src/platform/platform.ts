import type { WorkerData } from '../backends/wasm/threads/worker.js';

/**
 * What funt needs from the JavaScript host it runs on, and nothing else: the bytes of the
 * compiled kernels, the threads it may use, and a way to start a kernel worker. Everything else
 * in the package is the same code on every host. Each entry point installs one platform when it
 * is imported: `index.ts` (Node: `node:fs`, `worker_threads`) and `browser.ts` (`fetch`, Web
 * Workers), chosen by the `node`/`browser` conditions of package.json's `exports`.
 */
export interface Platform {
  readonly name: 'node' | 'browser';
  /**
   * The bytes at `url` now, or null where they can only arrive asynchronously (a browser fetches
   * them: `await ready()` first). Node reads the file, so the package needs no `await` there.
   */
  readBytesSync(url: URL): Uint8Array | null;
  readBytes(url: URL): Promise<Uint8Array>;
  /**
   * The most threads kernels may run on here, and, when that is one, why (a browser page that
   * is not cross-origin isolated cannot share memory with workers).
   */
  threadLimit(): ThreadLimit;
  /** How many threads kernels run on unless told otherwise (≤ the limit). */
  defaultThreads(): number;
  /**
   * Starts one kernel worker (threads/worker.ts) on `data`: a `worker_threads` Worker in Node, a
   * Web Worker in a browser. `onError` hears of a failure outside a kernel (e.g. the worker's
   * script could not be loaded); the job board reports failures inside kernels.
   */
  startKernelWorker(data: WorkerData, onError: (error: Error) => void): void;
}

/** How many threads the host allows the kernels, and why no more. */
export interface ThreadLimit {
  /** The most threads the host allows (1 where threads are unavailable). */
  threads: number;
  /** Why only one thread, or null when threads are available. */
  reason: string | null;
}

let installed: Platform | null = null;

/** Called by the entry points (index.ts, browser.ts) when they are imported. */
export function installPlatform(platform: Platform): void {
  installed = platform;
}

/** The platform the package runs on. */
export function platform(): Platform {
  if (!installed) {
    throw new Error(
      "@funt/tensor: no platform is installed; import the package ('@funt/tensor'), not one of its internal modules",
    );
  }
  return installed;
}

/**
 * An environment variable where there is an environment (Node's `process.env`), else undefined:
 * FUNT_THREADS, FUNT_BACKEND and the like are Node settings; a page sets the same in code.
 */
export function environmentVariable(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name];
}
