/**
 * @funt/datasets: real image data sets as compact uint8 sets, the pre-processing PyDatSet did,
 * and seeded batch augmentations.
 *
 * Loaders return `ImageSet`s (N×C×H×W typed arrays, labels, class names); `toTensor` and
 * `batches` turn them into float tensors, standardised with statistics fitted on the training
 * set; augmentations map a float batch to a float batch with an explicit `Rng`.
 */
export { DatasetError, type DatasetErrorDetails } from './errors.js';
export { type ImageSet, type Pixels, imageSet, imageSize, subset, concatSets, classCounts } from './image-set.js';
export { toTensor, type ToTensorOptions } from './to-tensor.js';
export { type CacheStatus, defaultCacheDir } from './cache.js';

// Loaders
export { loadEmbeddedMnist, EMBEDDED_MNIST_COUNT, type EmbeddedMnistOptions } from './loaders/embedded-mnist.js';
export { loadMnistIdx, type MnistIdxOptions } from './loaders/mnist-idx.js';
export { loadKaggleDigitsCsv } from './loaders/kaggle-digits.js';
export { loadCifar10, CIFAR10_CLASSES } from './loaders/cifar10.js';
export { loadSfddd, SFDDD_CLASSES, type SfdddOptions } from './loaders/sfddd.js';
export { loadTinyImageNet, type TinyImageNetOptions } from './loaders/tiny-imagenet.js';
export { loadGtsrb, GTSRB_CLASS_COUNT, type GtsrbOptions } from './loaders/gtsrb.js';
export { loadImageList, type ImageItem, type ImageListOptions } from './image-list.js';

// File formats (exposed for reuse and for testing with arbitrary bytes)
export { parseIdx, type IdxArray } from './formats/idx.js';
export { parseCifarBatch, type CifarRecords, CIFAR_RECORD_BYTES } from './formats/cifar.js';
export { parsePpm, type PpmImage } from './formats/ppm.js';
export { readTarEntries, type TarReadOptions } from './formats/tar.js';
export { maybeGunzip, isGzip } from './formats/gzip.js';
export { decodeImageInto, type DecodeOptions, type Rect } from './formats/decode-image.js';

// Pre-processing
export {
  type Standardization, type StandardizationMode, fitStandardization, meanImage, scaling, standardize,
} from './preprocess/standardize.js';
export { randomSplit, groupSplit, trainValSplit, shuffleSet, type SplitIndices, type TrainValOptions } from './preprocess/split.js';
export { batches, type Batch, type BatchOptions } from './preprocess/batches.js';
export { symmetricEigen3, type Eigen3 } from './preprocess/eigen3.js';
export { rgbPca, type RgbPca } from './preprocess/rgb-pca.js';

// Augmentations
export { type Augmentation } from './augment/augmentation.js';
export { compose } from './augment/compose.js';
export { randomFlips, type FlipOptions } from './augment/flip.js';
export { pad } from './augment/pad.js';
export { randomCrops } from './augment/random-crops.js';
export { fixedCrops, type CropPosition } from './augment/fixed-crops.js';
export { randomRotate, type RotateOptions } from './augment/rotate.js';
export { randomContrast, type ContrastOptions } from './augment/contrast.js';
export { randomTint, type TintOptions } from './augment/tint.js';
export {
  saltAndPepper, gaussianNoise, speckleNoise, type SaltAndPepperOptions, type GaussianNoiseOptions, type SpeckleNoiseOptions,
} from './augment/noise.js';
export { elasticDistortion, type ElasticOptions } from './augment/elastic.js';
export { pcaLighting } from './augment/pca-lighting.js';
