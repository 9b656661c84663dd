/**
 * @funt/datasets: real image data sets as compact uint8 sets, the pre-processing PyDatSet did,
 * and seeded batch augmentations.
 *
 * Loaders return `ImageSet`s (N×C×H×W typed arrays, labels, class names); `toTensor` and
 * `batches` turn them into float tensors, standardised with statistics fitted on the training
 * set; augmentations map a float batch to a float batch with an explicit `Rng`.
 */

// Augmentations
export { type Augmentation, batchDims, outputFor } from './augment/augmentation.js';
export { compose } from './augment/compose.js';
export { type ContrastOptions, randomContrast } from './augment/contrast.js';
export { type ElasticOptions, elasticDistortion } from './augment/elastic.js';
export { type CropPosition, fixedCrops } from './augment/fixed-crops.js';
export { type FlipOptions, randomFlips } from './augment/flip.js';
export {
  type GaussianNoiseOptions,
  gaussianNoise,
  type SaltAndPepperOptions,
  type SpeckleNoiseOptions,
  saltAndPepper,
  speckleNoise,
} from './augment/noise.js';
export { pad } from './augment/pad.js';
export { pcaLighting } from './augment/pca-lighting.js';
export { randomCrops } from './augment/random-crops.js';
export { type RotateOptions, randomRotate } from './augment/rotate.js';
export { randomTint, type TintOptions } from './augment/tint.js';
export { type CacheStatus, defaultCacheDir } from './cache.js';
export { DatasetError, type DatasetErrorDetails } from './errors.js';
export { CIFAR_RECORD_BYTES, type CifarRecords, parseCifarBatch } from './formats/cifar.js';
// File formats (exposed for reuse and for testing with arbitrary bytes)
export { type IdxArray, parseIdx } from './formats/idx.js';
export { type PpmImage, parsePpm } from './formats/ppm.js';
export { readTarEntries, type TarReadOptions } from './formats/tar.js';
export { classCounts, concatSets, type ImageSet, imageSet, imageSize, type Pixels, subset } from './image-set.js';
export { CIFAR10_CLASSES, loadCifar10 } from './loaders/cifar10.js';
// Loaders
export { EMBEDDED_MNIST_COUNT, type EmbeddedMnistOptions, loadEmbeddedMnist } from './loaders/embedded-mnist.js';
export { GTSRB_CLASS_COUNT, type GtsrbOptions, loadGtsrb } from './loaders/gtsrb.js';
export { loadKaggleDigitsCsv } from './loaders/kaggle-digits.js';
export { loadMnistIdx, type MnistIdxOptions } from './loaders/mnist-idx.js';
export { loadSfddd, SFDDD_CLASSES, type SfdddOptions } from './loaders/sfddd.js';
export { loadTinyImageNet, type TinyImageNetOptions } from './loaders/tiny-imagenet.js';
export { type Batch, type BatchOptions, batches } from './preprocess/batches.js';
export { type Eigen3, symmetricEigen3 } from './preprocess/eigen3.js';
export { type RgbPca, rgbPca } from './preprocess/rgb-pca.js';
export {
  groupSplit,
  randomSplit,
  type SplitIndices,
  shuffleSet,
  type TrainValOptions,
  trainValSplit,
} from './preprocess/split.js';
// Pre-processing
export {
  fitStandardization,
  meanImage,
  type Standardization,
  type StandardizationMode,
  scaling,
  standardize,
} from './preprocess/standardize.js';
export { type ToTensorOptions, toTensor } from './to-tensor.js';
