/**
 * The bench page (bench/run.ts builds it with Vite, serves it with the isolation headers and
 * drives it from Node): `window.bench` times funt's ResNet-20 step and TensorFlow.js's in Web
 * Workers, one worker per engine, on request.
 */
import type { BenchPage, TimingReply, TimingRequest } from './protocol.js';

function ask<T>(worker: Worker, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data as T);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(message);
  });
}

const funt = new Worker(new URL('./funt-worker.ts', import.meta.url), { type: 'module' });
const tfjs = new Map<string, Worker>();

async function tfjsWorker(backend: 'wasm' | 'cpu', threads: number): Promise<Worker> {
  const key = `${backend}/${threads}`;
  let worker = tfjs.get(key);
  if (!worker) {
    worker = new Worker(new URL('./tfjs-worker.ts', import.meta.url), { type: 'module' });
    const reply = await ask<{ started?: string; error?: string }>(worker, { backend, threads });
    if (reply.error) throw new Error(reply.error);
    tfjs.set(key, worker);
  }
  return worker;
}

const bench: BenchPage = {
  ready: true,
  crossOriginIsolated,
  hardwareConcurrency: navigator.hardwareConcurrency,
  funt: (request: TimingRequest) => ask<TimingReply>(funt, request),
  tfjs: async (engine, request) => ask<TimingReply>(await tfjsWorker(engine.backend, engine.threads), request),
};
(window as unknown as { bench: BenchPage }).bench = bench;
