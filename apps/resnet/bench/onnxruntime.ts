/**
 * onnxruntime-node, the benchmark's third implementation (inference only): whether it loads
 * here, and one configuration measured on an exported model. It is a devDependency of the app
 * (its CPU runtime ships inside the npm package; pnpm-workspace.yaml skips its install script,
 * which only downloads GPU binaries).
 *
 * The session runs as onnxruntime's users run it: every graph optimisation on (it folds batch
 * norm into the convolutions and fuses the ReLUs itself), `threads` intra-op threads, one
 * inter-op thread, sequential execution.
 */
import { createRequire } from 'node:module';
import { INPUT_SHAPE, modelName, type StepConfig } from './config.js';
import { median, peakRss, timeStepsAsync } from './measure.js';
import type { Measurement } from './measurement.js';

export type OrtStatus = { available: true; version: string } | { available: false; reason: string };

/** Loads the package's native binding to see that it works on this machine. */
export async function ortStatus(): Promise<OrtStatus> {
  try {
    const pkg = createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string };
    await import('onnxruntime-node');
    return { available: true, version: pkg.version };
  } catch (err) {
    return { available: false, reason: `onnxruntime-node cannot be loaded (${(err as Error).message.split('\n')[0]})` };
  }
}

/** Deterministic inputs in [-1, 1): the runtime's speed does not depend on the values. */
function inputs(count: number): Float32Array {
  const x = new Float32Array(count);
  let s = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

/** Times `c.steps` inference passes of the ONNX file `onnx` after `c.warmup` untimed ones. */
export async function measureOrt(onnx: string, c: StepConfig): Promise<Measurement> {
  if (c.mode !== 'infer')
    throw new RangeError(`--mode must be 'infer' (onnxruntime runs inference only), got '${c.mode}'`);
  const status = await ortStatus();
  if (!status.available) throw new Error(status.reason);
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnx, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: c.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  try {
    const dims = [c.batch, ...INPUT_SHAPE];
    const x = new ort.Tensor('float32', inputs(dims.reduce((a, b) => a * b, 1)), dims);
    const feeds = { [session.inputNames[0]]: x };
    const { seconds, cpuSeconds } = await timeStepsAsync(() => session.run(feeds), c.warmup, c.steps);
    const med = median(seconds);
    return {
      impl: 'onnxruntime',
      backend: `onnxruntime-node ${status.version}`,
      model: modelName(c.n),
      n: c.n,
      mode: c.mode,
      threads: c.threads,
      // The session was made with exactly this many intra-op threads.
      threadsApplied: true,
      batch: c.batch,
      seconds,
      cpuSeconds,
      median: med,
      imagesPerSecond: c.batch / med,
      peakRssBytes: peakRss().bytes,
    };
  } finally {
    await session.release();
  }
}
