/**
 * Everything in @funt/datasets that runs on every host, exported by both entry points (index.ts
 * for Node, browser.ts for browsers): image sets, the byte-level formats, pre-processing and
 * augmentations. The loaders that read files and folders are Node's (index.ts).
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
export { DatasetError, type DatasetErrorDetails } from './errors.js';
export { CIFAR_RECORD_BYTES, type CifarRecords, parseCifarBatch } from './formats/cifar.js';
// File formats (exposed for reuse and for testing with arbitrary bytes)
export { type IdxArray, parseIdx } from './formats/idx.js';
export { type PpmImage, parsePpm } from './formats/ppm.js';
export { classCounts, concatSets, type ImageSet, imageSet, imageSize, type Pixels, subset } from './image-set.js';
// The embedded MNIST digits, split as loadEmbeddedMnist splits them (the bytes come from Node's loader)
export {
  EMBEDDED_MNIST_COUNT,
  type EmbeddedMnistOptions,
  splitEmbeddedMnist,
} from './loaders/embedded-mnist-split.js';
export { type Batch, type BatchOptions, batches } from './preprocess/batches.js';
export { type Eigen3, symmetricEigen3 } from './preprocess/eigen3.js';
export { type RgbPca, rgbPca } from './preprocess/rgb-pca.js';
export {
  groupSplit,
  randomSplit,
  type SplitIndices,
  shuffleSet,
  type TrainValOptions,
  trainValRows,
  trainValSplit,
} from './preprocess/split.js';
// Pre-processing
export {
  fitStandardization,
  fitStandardizationOfImages,
  meanImage,
  type Standardization,
  type StandardizationMode,
  scaling,
  standardize,
} from './preprocess/standardize.js';
export { type ToTensorOptions, toTensor } from './to-tensor.js';
