import { ImageCacheFile } from './reader.js';

/**
 * How a worker thread opens the same rows as a source: it imports `module` (a URL), calls its
 * export `exportName` with `args` (structured-cloneable) and gets a source that reads the same
 * values. The solver's batch-preparation worker uses it.
 */
export interface SourceRecipe {
  module: string;
  exportName: string;
  args: unknown[];
}

/**
 * The rows of an image cache as raw float pixels (0–255): what the solver's `ExampleSource`
 * reads (N×C×H×W, float32), one positioned read per image, with the recipe that opens the
 * same source in a worker.
 */
export interface ImageCacheSource {
  /** N×C×H×W. */
  readonly shape: readonly number[];
  /** Raw pixels become float32. */
  readonly dtype: 'float32';
  /** The open file (its labels, class names; close it when done). */
  readonly file: ImageCacheFile;
  /** How a worker opens the same source. */
  readonly recipe: SourceRecipe;
  /** Writes image `i`'s raw pixels (C·H·W floats) into `dst` from `offset`. */
  readRow(i: number, dst: Float32Array | Float64Array, offset: number): void;
}

/**
 * This module as a worker imports it: always the compiled file in dist/ (Node runs no
 * TypeScript), from src/image-cache (vitest) and dist/image-cache alike.
 */
const MODULE_URL = new URL('../../dist/image-cache/source.js', import.meta.url).href;

/** Opens the image cache at `path` as a source of raw float pixels (see ImageCacheSource). */
export function openImageCacheSource(path: string): ImageCacheSource {
  return imageCacheSource(ImageCacheFile.open(path));
}

/** An open image cache as a source of raw float pixels (see ImageCacheSource). */
export function imageCacheSource(file: ImageCacheFile): ImageCacheSource {
  const path = file.path;
  const size = file.imageSize;
  const row = new Uint8Array(size);
  return {
    shape: file.shape,
    dtype: 'float32',
    file,
    recipe: { module: MODULE_URL, exportName: 'openImageCacheSource', args: [path] },
    readRow(i, dst, offset) {
      file.readImage(i, row);
      for (let j = 0; j < size; j++) dst[offset + j] = row[j];
    },
  };
}
