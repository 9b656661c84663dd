/**
 * @funt/resnet: deep residual networks (He et al. 2015, CIFAR variant) on funt, and the
 * machinery of the `funt-resnet` command: data loading with augmentation, training through
 * the solver, evaluation, saliency maps, fooling images, run folders and HTML reports.
 */

// The model
export { resnet, depthOf, type ResnetOptions } from './model/resnet.js';
export { saveModel, loadModel, modelFile, type ModelDescription, type SavedModel } from './model/saved-model.js';

// Analyses
export { saliencyMaps, type SaliencyResult } from './analysis/saliency.js';
export { foolingImage, type FoolOptions, type FoolResult } from './analysis/fool.js';
export { inputGradient, logProbabilities, type Classifier } from './analysis/classifier.js';

// Data
export { loadData, type PreparedData } from './data/load.js';
export { trainTransform, type TrainTransform } from './data/augment.js';
export { inputHooks, rawTensor, evalInput, pixelBounds, toPixels, type InputHooks } from './data/hooks.js';
export { frameSet } from './data/frame.js';
export { syntheticSet, SYNTHETIC_CLASSES } from './data/synthetic.js';

// Pictures, charts, reports
export { type RgbaImage, blankImage, upscale, blit } from './images/rgba.js';
export { toRgbaImages, type ImageArray, type Scaling, type ToRgbaOptions } from './images/to-rgba.js';
export { imageGrid, type GridOptions } from './images/grid.js';
export { encodePng, decodePng, pngDataUri } from './images/png.js';
export { colormapLookup, type ColormapName } from './images/colormap.js';
export { lineChartSvg, type Curve, type LineChartOptions } from './report/chart.js';
export { renderReport, writeReport, type ReportOptions } from './report/build.js';
export { movingAverage } from './util/moving-average.js';
export {
  RUN_FILES, createRunFolder, readRun, writeFigure, type RunData, type RunConfig, type Figure, type FigureItem, type EvalResults, type History,
} from './run/run-folder.js';

// Commands (what the CLI runs), for use from code
export { buildProgram, runProgram, trainOptionsFromFlags, UsageError, type ProgramHandlers } from './cli/program.js';
export type { TrainOptions, EvalOptions, DataOptions, AugmentOptions, ModelOptions, DatasetName, ExperimentName } from './cli/options.js';
export { parseSchedule, toSolverSchedule, type ScheduleSpec } from './cli/schedule.js';
export { train, type TrainOutcome } from './commands/train.js';
export { evalCommand } from './commands/eval.js';
export { experiment, type ExperimentOptions } from './commands/experiment.js';
export { quickstart, QUICKSTART_FLAGS, type QuickstartOptions } from './commands/quickstart.js';
export { saliencyCommand, foolCommand } from './commands/inspect.js';
