import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ClassNLLCriterion, type Sequential } from '@funt/layers';
import { evaluate, Solver, type TrainResult } from '@funt/solver';
import { getThreads, Rng } from '@funt/tensor';
import { type TrainTransform, trainTransform } from '../data/augment.js';
import { hasDataCache, openDataCache, writeDataCache } from '../data/data-cache.js';
import { type InputHooks, inputHooks, pixelSource } from '../data/hooks.js';
import { loadData, type PreparedData } from '../data/load.js';
import { splitSource } from '../data/split-source.js';
import { STREAMED_DATASETS, streamDataCache } from '../data/stream-data-cache.js';
import { InterruptedError, UsageError } from '../errors.js';
import { makeAugmentedInputs, makeFilters, makeFooling, makeMisclassified, makeSaliency } from '../figures/make.js';
import { consoleLog, type Log } from '../log.js';
import { depthOf, type ResnetArchitecture, resnet } from '../model/resnet.js';
import { loadModel, saveModel } from '../model/saved-model-file.js';
import { writeReport } from '../report/build.js';
import { LiveReport } from '../report/live.js';
import { checkResume, prepareRunFolder } from '../run/reuse.js';
import { createRunFolder, type EvalResults, RUN_FILES, stamp, toResults, writeJson } from '../run/run-folder.js';
import { lockRunFolder } from '../run/run-lock.js';
import { freeze, initFrom } from '../training/init-from.js';
import type { TrainOptions } from '../training/recipes.js';
import { scheduleToString, toSolverSchedule } from '../training/schedule.js';
import { updateRule } from '../training/update-rule.js';
import { applyRuntime } from './shared/runtime.js';
import { modelSummary } from './summary.js';

/**
 * What `train` produced: the run folder, test results, the report (null when `report` is off), the
 * solver's result, and the time taken.
 */
export interface TrainOutcome {
  runDir: string;
  results: EvalResults;
  reportPath: string | null;
  result: TrainResult;
  /** Wall-clock seconds of the whole command (loading, training, evaluation, figures, report). */
  seconds: number;
}

/** What a caller other than the CLI can give `train` besides the options. */
export interface TrainContext {
  /** Shown in reports; default: derived from the data set and model. */
  name?: string;
  log?: Log;
  /** Data already loaded (experiments share one load between runs). */
  data?: PreparedData;
}

/**
 * The train command: loads the data, builds the network, trains it with the solver (progress,
 * checkpoints, best model by validation accuracy), evaluates the best model on the test split,
 * draws the figures and writes the report — all into one run folder.
 */
export async function train(o: TrainOptions, ctx: TrainContext = {}): Promise<TrainOutcome> {
  const t0 = performance.now();
  const log = ctx.log ?? consoleLog;
  const backend = applyRuntime(o, log);
  const data = ctx.data ?? (await loadTrainingData(o, log));
  const transform = trainTransform(o, data);
  const hooks = inputHooks(data, transform);
  const architecture: ResnetArchitecture = {
    n: o.n,
    filters: o.filters,
    inputShape: data.inputShape,
    classes: data.classNames.length,
    skip: o.skip,
    hiddenDims: o.hidden,
  };
  const model = resnet({ ...architecture, rng: new Rng(o.seed) });
  if (o.initFrom) {
    const saved = loadModel(o.initFrom);
    initFrom(model, saved, '--init-from', log);
    saved.model.dispose();
  }
  const depth = depthOf({ n: o.n, hiddenDims: o.hidden });
  const label = `${o.skip ? 'ResNet' : 'plain'}-${depth}`;
  const name = ctx.name ?? (o.out ? basename(resolve(o.out)) : `${data.dataset}-${label.toLowerCase()}-${stamp()}`);
  const runDir = createRunFolder(o.out ?? freshFolder(join('runs', name)));
  // Held until the command ends (released at exit too, should it fail): one run per folder.
  const unlock = lockRunFolder(runDir);
  prepareRunFolder(runDir, { resume: o.resume, overwrite: o.overwrite ?? false });
  const checkpointPath = join(runDir, RUN_FILES.checkpoint);
  if (o.resume && !existsSync(checkpointPath)) throw new UsageError(`--resume: no checkpoint in ${runDir}`);
  const rule = updateRule(o, log);
  const params = model.parameterCount();
  log(`data: ${data.description}`);
  if (o.splitBy === 'random') {
    log('note: --split random puts every driver in training, validation and test: the accuracy is optimistic');
  }
  log(
    `model: ${label} (n=${o.n}, F=${o.filters}${o.hidden.length ? `, hidden ${o.hidden.join(',')}` : ''}), ${params.toLocaleString('en-US')} parameters, backend ${backend}`,
  );
  log(modelSummary(model, data.inputShape));
  log(`augmentation: ${transform.stages.length ? transform.stages.join(', ') : 'none'}`);
  log(
    `training: ${o.epochs} epochs of batch ${o.batchSize}, ${o.updateRule} lr ${o.lr}${rule.config.momentum !== undefined ? ` momentum ${o.momentum}` : ''}, weight decay ${o.weightDecay}, schedule ${scheduleToString(o.schedule)}${regularisation(o)}, seed ${o.seed}`,
  );
  log(`run folder: ${runDir}`);
  const config = {
    name,
    command: 'train',
    createdAt: new Date().toISOString(),
    model: { ...architecture, layers: depth, parameters: params },
    data: {
      dataset: data.dataset,
      dataDir: o.dataDir ? resolve(o.dataDir) : undefined,
      dataCache: o.dataCache ? resolve(o.dataCache) : undefined,
      splitBy: o.splitBy,
      train: data.train.shape[0],
      val: data.val.shape[0],
      test: data.test.shape[0],
      testSplit: data.testSplit,
      classNames: data.classNames,
      description: data.description,
    },
    augmentation: transform.stages,
    training: {
      epochs: o.epochs,
      batchSize: o.batchSize,
      updateRule: o.updateRule,
      solverRule: rule,
      schedule: scheduleToString(o.schedule),
      warmup: o.warmup,
      patience: o.patience ?? null,
      clipGradNorm: o.clipGradNorm ?? null,
      labelSmoothing: o.labelSmoothing,
      seed: o.seed,
      checkpointEvery: o.checkpointEvery,
      initFrom: o.initFrom ? resolve(o.initFrom) : undefined,
      freeze: o.freeze,
    },
    runtime: { backend, node: process.version, threads: getThreads() },
  };

  if (o.resume) {
    // Checked before anything is written: a refused resume leaves the run as it was.
    const changes = checkResume(runDir, config, o.allowChanges ?? false);
    for (const c of changes)
      log(`resume with a change: ${c.key} was ${JSON.stringify(c.was)}, now ${JSON.stringify(c.now)}`);
  }
  writeJson(join(runDir, RUN_FILES.config), config);

  // Pixels stay uint8 (in memory or in the image cache on disk) and become floats per batch: a
  // float copy of the split would take 4× the memory.
  const xTrain = splitSource(data.train);
  const xVal = pixelSource(data.val);
  const topK = Math.min(5, data.classNames.length);
  let result: TrainResult;
  const reportPath = join(runDir, RUN_FILES.report);
  const live = o.report ? new LiveReport(runDir, reportPath, log) : null;
  if (live) log(`report (rewritten after every epoch): ${reportPath}`);
  try {
    const solver = new Solver(
      o.freeze?.length ? freeze(model, o.freeze, o.n) : model,
      new ClassNLLCriterion(null, true, o.labelSmoothing),
      { xTrain, yTrain: data.train.labels, xVal, yVal: data.val.labels },
      {
        batchSize: o.batchSize,
        numEpochs: o.epochs,
        updateRule: rule.name,
        optimConfig: rule.config,
        schedule: toSolverSchedule(o.schedule, o.epochs, cyclesMomentum(o.updateRule)),
        warmupEpochs: o.warmup,
        patience: o.patience ?? null,
        clipGradNorm: o.clipGradNorm ?? null,
        augment: hooks.train,
        preprocessTrain: hooks.eval,
        preprocessVal: hooks.eval,
        evalBatchSize: 250,
        topK,
        seed: o.seed,
        checkpointPath: o.checkpointEvery > 0 ? checkpointPath : null,
        checkpointEvery: Math.max(1, o.checkpointEvery),
        resume: o.resume,
        progress: o.progress ?? 'auto',
        // Rows from disk: a worker reads the next batch's while the kernels run this one.
        prepareInWorker: o.dataCache !== undefined,
        historyDir: runDir,
        events: { onEpochEnd: (record) => live?.epochEnded(record.epoch, o.epochs) },
      },
    );
    result = await solver.train();
  } finally {
    await live?.settled();
  }
  if (result.stopReason === 'patience') {
    log(`stopped early after epoch ${result.epochs}: no better validation accuracy for ${o.patience} epochs`);
  }
  if (result.status === 'interrupted') {
    log(
      `interrupted after ${result.epochs} epochs; continue with: funt-resnet train --resume --out ${runDir} (same flags)`,
    );
  }
  if (result.status === 'interrupted' && !result.restoredBest) {
    // Stopped before the first epoch ended: there is no best model yet, and the parameters
    // the run stopped with are not one. The checkpoint holds them for --resume.
    throw new InterruptedError(
      `interrupted by ${result.signal ?? 'a stop request'} before the first epoch ended: no best model, results or report written`,
      result.signal,
    );
  }
  // The solver restored the parameters of the best validation epoch.
  saveModel(
    join(runDir, RUN_FILES.bestModel),
    model,
    {
      architecture,
      classNames: data.classNames,
      dataset: data.dataset,
      image: { height: data.train.shape[2], width: data.train.shape[3], pad: data.pad ?? 0 },
    },
    data.standardization,
  );

  const tEval = performance.now();
  const xTest = pixelSource(data.test);
  const evaluation = evaluate(model, xTest, data.test.labels, { preprocess: hooks.eval, batchSize: 250, topK });
  const results = toResults(evaluation, data.classNames, data.testSplit, (performance.now() - tEval) / 1000);
  writeJson(join(runDir, RUN_FILES.results), results);
  log(`best validation accuracy ${(100 * result.bestValAcc).toFixed(2)}% (epoch ${result.bestEpoch})`);
  log(
    `${data.testSplit === 'test' ? 'test' : 'validation (no labelled test split)'} accuracy: ${(100 * results.top1).toFixed(2)}% top-1, ${(100 * results.top5).toFixed(2)}% top-${topK} on ${results.count} images`,
  );

  if (o.report) {
    makeFigures(runDir, model, { data, hooks }, o, transform);
    await writeReport([runDir], reportPath);
    log(`report: ${reportPath}`);
  }
  unlock();
  return {
    runDir,
    results,
    reportPath: o.report ? reportPath : null,
    result,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The data set of a run: loaded into memory, or with `--data-cache` from the image cache in that
 * folder (written there first when the folder holds none: streamed image by image for the
 * `STREAMED_DATASETS`, else from the loaded set), the training rows then staying on disk.
 */
async function loadTrainingData(o: TrainOptions, log: Log): Promise<PreparedData> {
  if (!o.dataCache) return loadData(o);
  if (!hasDataCache(o.dataCache)) {
    const t0 = performance.now();
    let bytes: number;
    if (STREAMED_DATASETS.includes(o.dataset)) {
      // Decoded one image at a time into the cache: the set is never in memory.
      bytes = await streamDataCache(o.dataCache, o);
    } else {
      const data = await loadData(o);
      writeDataCache(o.dataCache, data, o);
      bytes = [data.train, data.val, data.test].reduce((sum, s) => sum + s.images.length, 0);
    }
    log(
      `image cache: wrote ${o.dataCache} (${(bytes / 2 ** 20).toFixed(1)} MiB of pixels, ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  return openDataCache(o.dataCache, o);
}

/** The warm-up, early stopping, clipping and smoothing a run uses, for its log line ('' when none). */
function regularisation(o: TrainOptions): string {
  const parts = [
    o.warmup > 0 ? `warm-up ${o.warmup} epochs` : '',
    o.patience !== undefined ? `patience ${o.patience}` : '',
    o.clipGradNorm !== undefined ? `gradient norm clipped to ${o.clipGradNorm}` : '',
    o.labelSmoothing > 0 ? `label smoothing ${o.labelSmoothing}` : '',
  ].filter((p) => p !== '');
  return parts.length ? `, ${parts.join(', ')}` : '';
}

/** One-cycle cycles the momentum of the rules that have one beside the rate (plain SGD and RMSprop have none). */
function cyclesMomentum(rule: TrainOptions['updateRule']): boolean {
  return rule !== 'sgd' && rule !== 'rmsprop';
}

/** The report's pictures: augmented inputs, filters, misclassified images, saliency, fooling. */
function makeFigures(
  runDir: string,
  model: Sequential,
  ctx: { data: PreparedData; hooks: InputHooks },
  o: TrainOptions,
  transform: TrainTransform,
): void {
  const { data } = ctx;
  makeAugmentedInputs(runDir, data, transform, o.seed);
  makeFilters(runDir, model);
  const { correct } = makeMisclassified(runDir, model, ctx, data.val);
  makeSaliency(
    runDir,
    model,
    ctx,
    data.val,
    Array.from({ length: Math.min(o.saliencyCount, data.val.shape[0]) }, (_, i) => i),
  );
  if (o.fooling) {
    const first = correct.indexOf(true);
    const k = data.classNames.length;
    const target = first >= 0 ? (data.val.labels[first] + 1) % k : 0;
    const requests = [...(first >= 0 ? [{ row: first, target }] : []), { row: null, target }];
    makeFooling(runDir, model, ctx, data.val, requests, {
      threshold: 0.99,
      maxSteps: 500,
      stepSize: 0.01,
      seed: o.seed,
    });
  }
}

/** `dir`, or `dir-2`, `dir-3`, … when it holds files: a folder named by default never reuses a run. */
function freshFolder(dir: string): string {
  let candidate = dir;
  for (let i = 2; existsSync(candidate) && readdirSync(candidate).length > 0; i++) candidate = `${dir}-${i}`;
  return candidate;
}
