/**
 * @funt/datasets: real image data sets as compact uint8 sets, the pre-processing PyDatSet did,
 * and seeded batch augmentations. This is the Node entry point; browser.ts (the `browser`
 * condition) has everything but the loaders that read files.
 *
 * Loaders return `ImageSet`s (N×C×H×W typed arrays, labels, class names); `toTensor` and
 * `batches` turn them into float tensors, standardised with statistics fitted on the training
 * set; augmentations map a float batch to a float batch with an explicit `Rng`.
 */

export { type CacheStatus, defaultCacheDir } from './cache.js';
export { type DecodeOptions, decodeImageInto, type Rect } from './formats/decode-image.js';
export { readTarEntries, type TarReadOptions } from './formats/tar.js';
export {
  encodeImageCacheHeader,
  IMAGE_CACHE_MAGIC,
  IMAGE_CACHE_VERSION,
  type ImageCacheHeader,
  type ReadAt,
  readImageCacheHeader,
  readImageCacheLabels,
} from './image-cache/format.js';
export { ImageCacheFile } from './image-cache/reader.js';
export {
  type ImageCacheSource,
  imageCacheSource,
  openImageCacheSource,
  type SourceRecipe,
} from './image-cache/source.js';
export { type ImageCacheLayout, ImageCacheWriter, writeImageCache } from './image-cache/writer.js';
export { type ImageItem, type ImageListOptions, streamImageList } from './image-list.js';
// Loaders (Node: they read files)
export { CIFAR10_CLASSES, loadCifar10 } from './loaders/cifar10.js';
export { loadEmbeddedMnist, loadEmbeddedMnistDigits } from './loaders/embedded-mnist.js';
export { GTSRB_CLASS_COUNT, type GtsrbOptions, listGtsrb, loadGtsrb } from './loaders/gtsrb.js';
export { loadKaggleDigitsCsv } from './loaders/kaggle-digits.js';
export { loadMnistIdx, type MnistIdxOptions } from './loaders/mnist-idx.js';
export { listSfddd, loadSfddd, SFDDD_CLASSES, type SfdddOptions } from './loaders/sfddd.js';
export { listTinyImageNet, loadTinyImageNet, type TinyImageNetOptions } from './loaders/tiny-imagenet.js';
export * from './universal.js';
