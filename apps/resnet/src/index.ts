/**
 * @funt/resnet: deep residual networks (He et al. 2015, CIFAR variant) on funt, and the
 * machinery of the `funt-resnet` command: data loading with augmentation, training through
 * the solver, evaluation, saliency maps, fooling images, run folders and HTML reports.
 */

// Analyses
export { type Classifier, inputGradient, logProbabilities } from './analysis/classifier.js';
export { type FoolOptions, type FoolResult, foolingImage } from './analysis/fool.js';
export { type SaliencyResult, saliencyMaps } from './analysis/saliency.js';
// The command-line program, and the commands it runs, for use from code
export { buildProgram, type ProgramHandlers, type ProgramOutput, runProgram } from './cli/program.js';
export { type EvalOptions, evalCommand } from './commands/eval.js';
export { EXPERIMENTS, type ExperimentName, type ExperimentOptions, experiment } from './commands/experiment.js';
export type { ExportCommandOptions } from './commands/export.js';
export { type FoolCommandOptions, foolCommand } from './commands/fool.js';
export type { ImportCommandOptions } from './commands/import.js';
export { QUICKSTART_RECIPE, type QuickstartOptions, quickstart } from './commands/quickstart.js';
export type { ReportCommandOptions } from './commands/report.js';
export { type SaliencyOptions, saliencyCommand } from './commands/saliency.js';
export type { InspectionOptions } from './commands/shared/inspection.js';
export {
  type ModelOptions,
  TRAIN_DEFAULTS,
  type TrainContext,
  type TrainOptions,
  type TrainOutcome,
  train,
  trainOptions,
} from './commands/train.js';
// Data
export { type AugmentOptions, type TrainTransform, trainTransform } from './data/augment.js';
export { frameSet } from './data/frame.js';
export { evalInput, type InputHooks, inputHooks, pixelBounds, rawTensor, toPixels } from './data/hooks.js';
export { DATASETS, type DataOptions, type DatasetName, loadData, type PreparedData } from './data/load.js';
export { SYNTHETIC_CLASSES, syntheticSet } from './data/synthetic.js';
export { UsageError } from './errors.js';
// Pictures
export { type ColormapName, colormapLookup } from './images/colormap.js';
export { type GridOptions, imageGrid } from './images/grid.js';
export { decodePng, encodePng, pngDataUri } from './images/png.js';
export { blankImage, blit, type RgbaImage, upscale } from './images/rgba.js';
export { type ImageArray, type Scaling, type ToRgbaOptions, toRgbaImages } from './images/to-rgba.js';
export type { Log } from './log.js';
// The model
export {
  depthOf,
  type ResnetArchitecture,
  type ResnetBuildOptions,
  type ResnetOptions,
  resnet,
} from './model/resnet.js';
export { loadModel, type ModelDescription, modelFile, type SavedModel, saveModel } from './model/saved-model.js';
// Reports and their charts
export { type ReportOptions, renderReport, writeReport } from './report/build.js';
export { type Curve, type LineChartOptions, lineChartSvg } from './report/chart.js';
export { movingAverage } from './report/moving-average.js';
// Run folders
export {
  createRunFolder,
  type EvalResults,
  type Figure,
  type FigureItem,
  type HistoryJson,
  RUN_FILES,
  type RunConfig,
  type RunData,
  readRun,
  writeFigure,
} from './run/run-folder.js';
// Training recipes
export { parseSchedule, type ScheduleSpec, toSolverSchedule } from './training/schedule.js';
