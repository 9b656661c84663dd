import { ImageCacheFile, type ImageSet, imageCacheSource, subset } from '@funt/datasets';
import type { ExampleSource } from '@funt/solver';
import { pixelSource } from './hooks.js';

// Node only (image cache files): kept out of hooks.ts, which a page's bundle imports too.

/**
 * A split as the solver reads it, in memory (`pixelSource`) or from an image cache file: each
 * batch's rows read from disk, with the recipe a worker opens the same file with.
 */
export function splitSource(split: ImageSet | ImageCacheFile): ExampleSource {
  return split instanceof ImageCacheFile ? imageCacheSource(split) : pixelSource(split);
}

/** Some images of a split, in memory, in that order (from disk for an image cache). */
export function splitRows(split: ImageSet | ImageCacheFile, rows: ArrayLike<number>): ImageSet {
  return split instanceof ImageCacheFile ? split.toImageSet(rows) : subset(split, rows);
}
