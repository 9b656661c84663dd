/**
 * uint8 pixels in a SharedArrayBuffer as raw float rows, with the recipe a batch worker opens
 * the same memory with: the in-memory case of the data-stream benchmark's worker measurement
 * (its rows read in the worker, as an image cache's are).
 */
import type { ExampleSource } from '@funt/solver';

/** This module as a worker imports it (the compiled file beside this one). */
const MODULE_URL = import.meta.url;

/** Rows of `pixels` (N × C·H·W uint8, shared) as float32 raw pixels. */
export function openSharedPixels(pixels: SharedArrayBuffer, shape: number[]): ExampleSource {
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(pixels);
  return {
    shape,
    dtype: 'float32',
    readRow(i, dst, offset) {
      for (let j = 0; j < size; j++) dst[offset + j] = bytes[i * size + j];
    },
    recipe: { module: MODULE_URL, exportName: 'openSharedPixels', args: [pixels, shape] },
  };
}
