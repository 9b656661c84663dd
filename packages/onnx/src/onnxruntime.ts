/**
 * runOnnx: runs ONNX bytes in onnxruntime-node, to check an exported model with the reference
 * runtime rather than with our own reader. onnxruntime-node is an optional peer dependency
 * (≈300 MB of native binaries): it is loaded on first use, and its absence is a clear error.
 */
import type * as Ort from 'onnxruntime-node';

/** A float32 tensor as onnxruntime takes and returns it: row-major data and its dimensions. */
export interface OnnxTensor {
  data: Float32Array;
  dims: readonly number[];
}

let runtime: Promise<typeof Ort> | undefined;

function loadRuntime(): Promise<typeof Ort> {
  runtime ??= import('onnxruntime-node').catch((e: unknown) => {
    runtime = undefined;
    throw new Error(
      `runOnnx needs the onnxruntime-node package (npm install onnxruntime-node): ${(e as Error).message}`,
    );
  });
  return runtime;
}

/** Runs the model on float32 inputs keyed by graph input name; returns every graph output. */
export async function runOnnx(
  bytes: Uint8Array,
  inputs: Record<string, OnnxTensor>,
): Promise<Record<string, OnnxTensor>> {
  const ort = await loadRuntime();
  // One thread and no graph rewrites: the runtime computes the graph as written.
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
  });
  try {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) feeds[name] = new ort.Tensor('float32', t.data, [...t.dims]);
    const results = await session.run(feeds);
    const out: Record<string, OnnxTensor> = {};
    for (const [name, t] of Object.entries(results)) out[name] = { data: t.data as Float32Array, dims: [...t.dims] };
    return out;
  } finally {
    await session.release();
  }
}
