import { MAX_PARTICIPANTS } from '../backends/wasm/threads/job.js';
import type { Platform } from './platform.js';

/**
 * A browser (a page or a Web Worker): the kernels are fetched, so `await ready()` comes before
 * the first operation; threads are module Web Workers over the same shared memory, which a
 * browser only allows in a cross-origin isolated page (COOP/COEP headers). Without isolation the
 * kernels run on one thread and `threadLimit()` says why.
 */
export const browserPlatform: Platform = {
  name: 'browser',
  readBytesSync: () => null,
  async readBytes(url) {
    let response: FetchResponse;
    try {
      response = await web().fetch(url);
    } catch (e) {
      throw new Error(`@funt/tensor: could not fetch the WebAssembly kernels from ${url}: ${(e as Error).message}`);
    }
    if (!response.ok) {
      throw new Error(
        `@funt/tensor: could not fetch the WebAssembly kernels from ${url}: HTTP ${response.status} ${response.statusText}`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  },
  threadLimit() {
    const g = web();
    if (g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function' && typeof g.Worker === 'function') {
      return { threads: MAX_PARTICIPANTS, reason: null };
    }
    return {
      threads: 1,
      reason:
        'this page is not cross-origin isolated (crossOriginIsolated is false), so the kernels run on one thread. ' +
        'Serve it with the headers Cross-Origin-Opener-Policy: same-origin and ' +
        'Cross-Origin-Embedder-Policy: require-corp to use every core.',
    };
  },
  defaultThreads() {
    if (browserPlatform.threadLimit().threads === 1) return 1;
    return Math.max(1, Math.min(web().navigator?.hardwareConcurrency ?? 1, MAX_PARTICIPANTS));
  },
  startKernelWorker(data, onError) {
    const Worker = web().Worker;
    // The literal `new Worker(new URL('…', import.meta.url), { type: 'module' })` is what bundlers
    // (Vite, webpack 5, Parcel, esbuild plugins) recognise to bundle the worker script.
    const worker = new Worker(new URL('../backends/wasm/threads/web-worker.js', import.meta.url), {
      type: 'module',
      name: 'funt-kernels',
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      onError(new Error(event.message || 'the worker script could not be loaded or threw while starting'));
    });
    worker.postMessage(data);
  },
};

/** The few web APIs used here (the package is compiled without the DOM library). */
interface FetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}
interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(type: 'error', listener: (event: { message?: string; preventDefault(): void }) => void): void;
}
interface WebGlobals {
  fetch(url: URL): Promise<FetchResponse>;
  Worker: new (url: URL, options: { type: 'module'; name: string }) => WebWorker;
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  navigator?: { hardwareConcurrency?: number };
}

function web(): WebGlobals {
  return globalThis as unknown as WebGlobals;
}
