/**
 * @funt/resnet: deep residual networks (He et al. 2015, CIFAR variant) on funt, and the
 * machinery of the `funt-resnet` command: data loading with augmentation, training through
 * the solver, evaluation, saliency maps, fooling images, run folders and HTML reports.
 */

export { type Classifier, inputGradient, logProbabilities } from './analysis/classifier.js';
export { type FoolOptions, type FoolResult, foolingImage } from './analysis/fool.js';

// Analyses
export { type SaliencyResult, saliencyMaps } from './analysis/saliency.js';
export type {
  AugmentOptions,
  DataOptions,
  DatasetName,
  EvalOptions,
  ExperimentName,
  ModelOptions,
  TrainOptions,
} from './cli/options.js';
// Commands (what the CLI runs), for use from code
export { buildProgram, type ProgramHandlers, runProgram, trainOptionsFromFlags, UsageError } from './cli/program.js';
export { parseSchedule, type ScheduleSpec, toSolverSchedule } from './cli/schedule.js';
export { evalCommand } from './commands/eval.js';
export { type ExperimentOptions, experiment } from './commands/experiment.js';
export { foolCommand, saliencyCommand } from './commands/inspect.js';
export { QUICKSTART_FLAGS, type QuickstartOptions, quickstart } from './commands/quickstart.js';
export { type TrainOutcome, train } from './commands/train.js';
export { type TrainTransform, trainTransform } from './data/augment.js';
export { frameSet } from './data/frame.js';
export { evalInput, type InputHooks, inputHooks, pixelBounds, rawTensor, toPixels } from './data/hooks.js';
// Data
export { loadData, type PreparedData } from './data/load.js';
export { SYNTHETIC_CLASSES, syntheticSet } from './data/synthetic.js';
export { type ColormapName, colormapLookup } from './images/colormap.js';
export { type GridOptions, imageGrid } from './images/grid.js';
export { decodePng, encodePng, pngDataUri } from './images/png.js';
// Pictures, charts, reports
export { blankImage, blit, type RgbaImage, upscale } from './images/rgba.js';
export { type ImageArray, type Scaling, type ToRgbaOptions, toRgbaImages } from './images/to-rgba.js';
// The model
export { depthOf, type ResnetOptions, resnet } from './model/resnet.js';
export { loadModel, type ModelDescription, modelFile, type SavedModel, saveModel } from './model/saved-model.js';
export { type ReportOptions, renderReport, writeReport } from './report/build.js';
export { type Curve, type LineChartOptions, lineChartSvg } from './report/chart.js';
export {
  createRunFolder,
  type EvalResults,
  type Figure,
  type FigureItem,
  type History,
  RUN_FILES,
  type RunConfig,
  type RunData,
  readRun,
  writeFigure,
} from './run/run-folder.js';
export { movingAverage } from './util/moving-average.js';
