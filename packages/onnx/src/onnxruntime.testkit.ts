/**
 * Test-only helper: runs ONNX bytes in onnxruntime-node (a devDependency, never imported by
 * the library) so the tests check our files with the reference runtime, not with our reader.
 */
import * as ort from 'onnxruntime-node';

export interface OrtOutput {
  data: Float32Array;
  dims: number[];
}

/** Runs the model on float32 inputs given by graph input name; returns every graph output. */
export async function runOnnx(
  bytes: Uint8Array,
  inputs: Record<string, { data: Float32Array; dims: readonly number[] }>,
): Promise<Record<string, OrtOutput>> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) feeds[name] = new ort.Tensor('float32', t.data, [...t.dims]);
    const results = await session.run(feeds);
    const out: Record<string, OrtOutput> = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { data: t.data as Float32Array, dims: [...t.dims] };
    }
    return out;
  } finally {
    await session.release();
  }
}
