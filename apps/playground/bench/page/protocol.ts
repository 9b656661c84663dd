import type { Pass } from '../../src/benchmark/step.js';

/** One timing request to a bench worker: `steps` timed calls after `warmup` untimed ones. */
export interface TimingRequest {
  pass: Pass;
  steps: number;
  warmup: number;
  /** funt: the thread count for this request. */
  threads?: number;
  /** TensorFlow.js: the batch (its cpu backend is too slow for 128). */
  batch?: number;
}

/** Seconds of each timed call, or why the pass cannot run. */
export type TimingReply = { seconds: number[] } | { error: string };

/** What the bench page offers the Node driver (bench/run.ts) through `window.bench`. */
export interface BenchPage {
  ready: boolean;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  funt(request: TimingRequest): Promise<TimingReply>;
  /** `engine`: 'wasm' with `threads` threads (fixed when the backend starts), or 'cpu'. */
  tfjs(engine: { backend: 'wasm' | 'cpu'; threads: number }, request: TimingRequest): Promise<TimingReply>;
}
