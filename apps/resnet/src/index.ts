/**
 * @funt/resnet: deep residual networks (He et al. 2015, CIFAR variant) on funt, and the
 * machinery of the `funt-resnet` command: data loading with augmentation, training through
 * the solver, evaluation, saliency maps, fooling images, run folders and HTML reports. This is
 * the Node entry point; browser.ts (the `browser` condition) has the parts that run in a page.
 */

// The command-line program, and the commands it runs, for use from code
export { buildProgram, type ProgramHandlers, type ProgramOutput, runProgram } from './cli/program.js';
export { type EvalOptions, evalCommand } from './commands/eval.js';
export { EXPERIMENTS, type ExperimentName, type ExperimentOptions, experiment } from './commands/experiment.js';
export type {
  ConfigurationSummary,
  ExperimentSummary,
  Metrics,
  RunSummary,
} from './commands/experiment-summary.js';
export type { ExportCommandOptions } from './commands/export.js';
export { type FoolCommandOptions, foolCommand } from './commands/fool.js';
export type { ImportCommandOptions } from './commands/import.js';
export { type ImagePrediction, type PredictCommandOptions, predictCommand } from './commands/predict.js';
export { type QuickstartOptions, quickstart } from './commands/quickstart.js';
export type { ReportCommandOptions } from './commands/report.js';
export { type SaliencyOptions, saliencyCommand } from './commands/saliency.js';
export type { InspectionOptions } from './commands/shared/inspection.js';
export { modelSummary, type SummaryOptions, summaryCommand } from './commands/summary.js';
export { type TrainContext, type TrainOutcome, train } from './commands/train.js';
// Data sets read from files
export { loadData } from './data/load.js';
// Model files
export { loadModel, modelFile, saveModel } from './model/saved-model-file.js';
// Reports and their charts
export { type ReportOptions, renderReport, writeReport } from './report/build.js';
export { type Curve, type LineChartOptions, lineChartSvg } from './report/chart.js';
export type { RunGroup } from './report/means.js';
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
export * from './universal.js';
