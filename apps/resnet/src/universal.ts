/**
 * Everything in @funt/resnet that runs on every host, exported by both entry points: the
 * network, its model file as bytes, the input pipeline, the analyses and the pictures. index.ts
 * (Node) adds the commands, the data loaders, run folders and reports; browser.ts exports this
 * alone (apps/playground trains with it in a page).
 */

// Analyses
export { type Classifier, inputGradient, logProbabilities } from './analysis/classifier.js';
export { type FoolOptions, type FoolResult, foolingImage } from './analysis/fool.js';
export { type SaliencyResult, saliencyMaps } from './analysis/saliency.js';
// Data: the input pipeline, and data sets prepared from images at hand
export { type AugmentOptions, type TrainTransform, trainTransform } from './data/augment.js';
export { frameSet } from './data/frame.js';
export { evalInput, type InputHooks, inputHooks, pixelBounds, rawTensor, toPixels } from './data/hooks.js';
export {
  DATASETS,
  type DataOptions,
  type DatasetName,
  embeddedMnistData,
  type InMemoryData,
  type PreparedData,
  prepareData,
  type RawData,
} from './data/prepare.js';
export { SYNTHETIC_CLASSES, syntheticSet } from './data/synthetic.js';
export { UsageError } from './errors.js';
// Pictures
export { type ColormapName, colormapLookup } from './images/colormap.js';
export { type GridOptions, imageGrid } from './images/grid.js';
export { decodePng, encodePng, pngDataUri } from './images/png.js';
export { blankImage, blit, type RgbaImage, upscale } from './images/rgba.js';
export { type ImageArray, type Scaling, type ToRgbaOptions, toRgbaImages } from './images/to-rgba.js';
export type { Log } from './log.js';
// The model, and its file as bytes
export {
  depthOf,
  type ResnetArchitecture,
  type ResnetBuildOptions,
  type ResnetOptions,
  resnet,
} from './model/resnet.js';
export { decodeSavedModel, encodeSavedModel, type ModelDescription, type SavedModel } from './model/saved-model.js';
export { type BenchmarkPass, benchmarkStep } from './training/benchmark-step.js';
// Training recipes
export {
  type ModelOptions,
  QUICKSTART_RECIPE,
  TRAIN_DEFAULTS,
  type TrainOptions,
  trainOptions,
} from './training/recipes.js';
export { parseSchedule, type ScheduleSpec, toSolverSchedule } from './training/schedule.js';
export { UPDATE_RULES, type UpdateRuleOptions, updateRule } from './training/update-rule.js';
