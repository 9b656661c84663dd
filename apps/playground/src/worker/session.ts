import { type ImageSet, standardize, toTensor } from '@funt/datasets';
import { ClassNLLCriterion, type Sequential } from '@funt/layers';
import { exportOnnx } from '@funt/onnx';
import {
  decodeSavedModel,
  depthOf,
  encodeSavedModel,
  type InputHooks,
  inputHooks,
  logProbabilities,
  type ModelDescription,
  type PreparedData,
  QUICKSTART_RECIPE,
  rawTensor,
  resnet,
  saliencyMaps,
  type TrainOptions,
  toSolverSchedule,
  trainOptions,
  trainTransform,
  updateRule,
} from '@funt/resnet';
import { evaluate, Solver } from '@funt/solver';
import { getThreads, Rng, type Tensor, threadLimit } from '@funt/tensor';
import type {
  Filters,
  FromWorker,
  Misclassified,
  ModelFormat,
  Prediction,
  ThreadInfo,
  TrainSettings,
} from '../protocol.js';
import { navigatorThreads, useThreads } from './threads.js';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Where a session is: nothing trained yet, training, paused, or a model ready (trained or loaded). */
type State = 'idle' | 'training' | 'paused' | 'ready';

/** The model the page works with, and how its inputs are prepared. */
interface CurrentModel {
  model: Sequential;
  description: ModelDescription;
  hooks: InputHooks;
  data: PreparedData;
}

/** Validation digits shown as misclassified when training ends (at most). */
const MISCLASSIFIED_SHOWN = 24;

/**
 * One visitor's work in the training worker: the digits, the current model, and a Solver while
 * training. The Solver yields to the worker's event loop between iterations, so pause, stop and
 * predict messages are handled there; a pause is a stop request whose run `resume` continues.
 */
export class Session {
  private state: State = 'idle';
  private current: CurrentModel | null = null;
  private solver: Solver | null = null;
  private stopRequested = false;
  /** performance.now() at the start of training, and at the last iteration with the images seen by then. */
  private started = 0;
  private lastTime = 0;
  private lastImages = 0;

  constructor(
    private readonly data: PreparedData,
    private readonly post: Post,
  ) {}

  threadInfo(): ThreadInfo {
    const limit = threadLimit();
    return {
      threads: getThreads(),
      maxThreads: Math.min(limit.threads, navigatorThreads()),
      crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      reason: limit.reason,
    };
  }

  assertNotTraining(what: string): void {
    if (this.state === 'training' || this.state === 'paused') throw new Error(`stop training to ${what}`);
  }

  async train(settings: TrainSettings): Promise<void> {
    this.assertNotTraining('start again');
    await useThreads(settings.threads);
    const { data } = this;
    const architecture = {
      n: settings.n,
      filters: settings.filters,
      inputShape: data.inputShape,
      classes: data.classNames.length,
      skip: true,
      hiddenDims: [],
    };
    const model = resnet({ ...architecture, rng: new Rng(settings.seed) });
    const recipe = trainingRecipe(settings);
    const hooks = inputHooks(data, trainTransform(recipe, data));
    // The recipe's rule needs no note (only rmsprop with weight decay logs one).
    const rule = updateRule(recipe, () => {});
    this.current = {
      model,
      hooks,
      data,
      description: { architecture, classNames: data.classNames, dataset: data.dataset },
    };
    const iterationsPerEpoch = Math.ceil(data.train.shape[0] / settings.batchSize);
    this.solver = new Solver(
      model,
      new ClassNLLCriterion(),
      { xTrain: rawTensor(data.train), yTrain: data.train.labels, xVal: rawTensor(data.val), yVal: data.val.labels },
      {
        batchSize: settings.batchSize,
        numEpochs: settings.epochs,
        updateRule: rule.name,
        optimConfig: rule.config,
        schedule: toSolverSchedule(recipe.schedule, settings.epochs),
        augment: hooks.train,
        preprocessTrain: hooks.eval,
        preprocessVal: hooks.eval,
        numTrainSamples: 1000,
        seed: settings.seed,
        progress: 'none',
        handleSignals: false,
        events: {
          onIteration: (info) => {
            // The rate since the previous iteration: training, gathering and augmenting the batch,
            // and whatever else the worker did in between (predictions of drawings).
            const now = performance.now();
            const images = info.imagesSeen - this.lastImages;
            const imagesPerSecond = (1000 * images) / Math.max(now - this.lastTime, 1e-3);
            this.lastTime = now;
            this.lastImages = info.imagesSeen;
            this.post({
              type: 'iteration',
              epoch: info.epoch,
              iteration: info.iteration,
              loss: info.loss,
              imagesPerSecond,
              seconds: (now - this.started) / 1000,
            });
          },
          onEpochEnd: (record) =>
            this.post({
              type: 'epoch',
              epoch: record.epoch,
              trainAccuracy: record.trainAcc,
              valAccuracy: record.valAcc,
              imagesPerSecond: record.imagesPerSecond,
            }),
        },
      },
    );
    this.post({
      type: 'started',
      description: describe(this.current.description, model),
      iterationsPerEpoch,
      ...this.threadInfo(),
    });
    this.stopRequested = false;
    this.started = performance.now();
    this.lastImages = 0;
    await this.run();
  }

  /** Asks the running training to pause after the current iteration. */
  pause(): void {
    if (this.state === 'training') this.solver?.requestStop();
  }

  async resume(): Promise<void> {
    if (this.state !== 'paused') return;
    await this.run();
  }

  /** Ends training (now if paused, after the current iteration if running). */
  async stop(): Promise<void> {
    if (this.state === 'paused') return this.finish('stopped');
    if (this.state === 'training') {
      this.stopRequested = true;
      this.solver?.requestStop();
    }
  }

  private async run(): Promise<void> {
    const solver = this.solver as Solver;
    this.state = 'training';
    this.lastTime = performance.now();
    const result = await solver.train();
    if (result.status === 'interrupted' && !this.stopRequested) {
      this.state = 'paused';
      this.post({ type: 'paused' });
      return;
    }
    this.finish(result.status === 'completed' ? 'completed' : 'stopped');
  }

  private finish(status: 'completed' | 'stopped'): void {
    const { model, hooks, data } = this.current as CurrentModel;
    this.solver = null;
    this.state = 'ready';
    const test = accuracy(model, hooks, data.test);
    const val = evaluateSet(model, hooks, data.val);
    this.post({
      type: 'finished',
      status,
      testAccuracy: test,
      misclassified: misclassified(data.val, val.predictions, data.classNames),
      filters: firstLayerFilters(model),
    });
  }

  /** The top 3 classes and the saliency map of a 28×28 drawing (pixels 0–255, white on black). */
  predict(pixels: Float32Array): Prediction {
    if (!this.current) throw new Error('train a model or load one first');
    const { model, description, data } = this.current;
    const [, h, w] = description.architecture.inputShape;
    const x = drawingInput(pixels, h, w, data);
    const keepTraining = this.state === 'training' || this.state === 'paused';
    try {
      model.evaluate();
      const logp = logProbabilities(model, x);
      const order = Array.from(logp.keys()).sort((a, b) => logp[b] - logp[a]);
      const top = order.slice(0, 3).map((c) => ({ label: description.classNames[c], probability: Math.exp(logp[c]) }));
      const { maps } = saliencyMaps(model, x, [order[0]]);
      let max = 0;
      for (const v of maps) max = Math.max(max, v);
      const saliency = maps.map((v) => (max > 0 ? v / max : 0));
      return { top, saliency, side: h };
    } finally {
      x.dispose();
      // The Solver sets training mode at the start of each epoch only: restore it mid-epoch.
      if (keepTraining) model.training();
    }
  }

  /** The current model as a funt-resnet model file or as ONNX. */
  exportModel(format: ModelFormat): { format: ModelFormat; bytes: Uint8Array; fileName: string } {
    if (!this.current) throw new Error('train a model or load one first');
    if (this.state === 'training') throw new Error('pause or stop training before downloading the model');
    const { model, description, data } = this.current;
    const bytes =
      format === 'onnx'
        ? exportOnnx(model, description.architecture.inputShape)
        : encodeSavedModel(model, description, data.standardization);
    // The export traced the model in evaluation mode; a paused run continues in training mode.
    if (this.state === 'paused') model.training();
    const depth = depthOf({ n: description.architecture.n, hiddenDims: description.architecture.hiddenDims });
    return { format, bytes, fileName: `resnet${depth}-${description.dataset}.${format}` };
  }

  /** Loads a funt-resnet model file (from this page or from `funt-resnet train`) and scores it on the test digits. */
  load(name: string, bytes: Uint8Array): { description: string; testAccuracy: number } {
    this.assertNotTraining('load a model');
    const saved = decodeSavedModel(bytes, name);
    const { architecture } = saved.description;
    const [c, h, w] = architecture.inputShape;
    if (c !== 1 || h !== this.data.inputShape[1] || w !== this.data.inputShape[2] || architecture.classes !== 10) {
      throw new Error(
        `${name} takes ${architecture.inputShape.join('×')} inputs into ${architecture.classes} classes; this page has 1×32×32 digits in 10 classes`,
      );
    }
    const data = { ...this.data, standardization: saved.standardization };
    const hooks = inputHooks(data, { augment: null, stages: [] });
    this.current = { model: saved.model, description: saved.description, hooks, data };
    this.state = 'ready';
    return {
      description: describe(saved.description, saved.model),
      testAccuracy: accuracy(saved.model, hooks, data.test),
    };
  }
}

/** The quickstart's network and schedule (`npm start`: about a minute on 2 cores), as the page's first settings. */
export function quickstartSettings(): TrainSettings {
  const q = trainOptions(QUICKSTART_RECIPE);
  return {
    n: q.n,
    filters: q.filters,
    epochs: q.epochs,
    batchSize: q.batchSize,
    learningRate: q.lr,
    threads: 0,
    seed: 1,
  };
}

/**
 * The quickstart's recipe (`npm start`: SGD with Nesterov momentum, weight decay, a cosine
 * schedule, crops and small rotations) with the visitor's choices.
 */
function trainingRecipe(s: TrainSettings): TrainOptions {
  return trainOptions(QUICKSTART_RECIPE, {
    n: s.n,
    filters: s.filters,
    epochs: s.epochs,
    batchSize: s.batchSize,
    lr: s.learningRate,
    seed: s.seed,
  });
}

function describe(d: ModelDescription, model: Sequential): string {
  const { n, filters, skip, hiddenDims } = d.architecture;
  const depth = depthOf({ n, hiddenDims });
  const params = model.parameterCount().toLocaleString('en-US');
  return `${skip ? 'ResNet' : 'plain'}-${depth} (n = ${n}, ${filters} filters), ${params} parameters, ${d.dataset}`;
}

function evaluateSet(model: Sequential, hooks: InputHooks, set: ImageSet) {
  const x = rawTensor(set);
  try {
    return evaluate(model, x, set.labels, { batchSize: 100, preprocess: hooks.eval });
  } finally {
    x.dispose();
  }
}

function accuracy(model: Sequential, hooks: InputHooks, set: ImageSet): number {
  return evaluateSet(model, hooks, set).top1;
}

function misclassified(set: ImageSet, predictions: Int32Array, names: string[]): Misclassified[] {
  const [, , h, w] = set.shape;
  const out: Misclassified[] = [];
  for (let i = 0; i < predictions.length && out.length < MISCLASSIFIED_SHOWN; i++) {
    if (predictions[i] === set.labels[i]) continue;
    out.push({
      pixels: Uint8Array.from(set.images.subarray(i * h * w, (i + 1) * h * w)),
      label: names[set.labels[i]],
      predicted: names[predictions[i]],
    });
  }
  return out;
}

/** The first convolution's filters, first input channel (MNIST has one). */
function firstLayerFilters(model: Sequential): Filters {
  const weight = model.parameters()[0].value;
  const [count, inputs, size] = weight.shape;
  const weights = new Float32Array(count * size * size);
  for (let f = 0; f < count; f++) {
    weights.set(
      weight.data.subarray(f * inputs * size * size, f * inputs * size * size + size * size),
      f * size * size,
    );
  }
  return { weights, count, size };
}

/** A 28×28 drawing centred in the model's h×w input (MNIST digits are padded by 2), standardised. */
function drawingInput(pixels: Float32Array, h: number, w: number, data: PreparedData): Tensor {
  const image = new Float32Array(h * w);
  const top = Math.floor((h - 28) / 2);
  const left = Math.floor((w - 28) / 2);
  for (let y = 0; y < 28; y++) image.set(pixels.subarray(y * 28, y * 28 + 28), (y + top) * w + left);
  const raw = toTensor(
    { images: image, shape: [1, 1, h, w], labels: new Int32Array(1), classNames: data.classNames },
    { dtype: 'float32' },
  );
  const x = standardize(raw, data.standardization);
  raw.dispose();
  return x;
}
