/**
 * The messages between the page (src/page) and the training worker (src/worker). Training,
 * prediction and the benchmark all run in the worker, so the page stays responsive; the page
 * only draws.
 */

/** What the visitor chooses before training. */
export interface TrainSettings {
  /** Residual blocks per stage: 6n+2 weighted layers. */
  n: number;
  /** Filters of the first stage (then 2× and 4×). */
  filters: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Threads the kernels run on (1 … the page's limit; 0: all of them). */
  threads: number;
  seed: number;
}

/** The files a model downloads as: a funt-resnet model file, or ONNX. */
export type ModelFormat = 'safetensors' | 'onnx';

/** A benchmark figure: images per second of one ResNet-20 pass at batch 128 on `threads`. */
export interface BenchmarkRow {
  pass: 'training' | 'inference';
  threads: number;
  imagesPerSecond: number;
}

export type ToWorker =
  /** The first message: where the page is (the digits are fetched relative to it). */
  | { type: 'init'; baseUrl: string }
  | { type: 'train'; settings: TrainSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** A 28×28 drawing, pixel values 0–255 (white on black, as MNIST). */
  | { type: 'predict'; pixels: Float32Array }
  | { type: 'export'; format: ModelFormat }
  | { type: 'load'; name: string; bytes: Uint8Array }
  | { type: 'benchmark'; rounds: number };

export interface ThreadInfo {
  /** Threads the kernels run on now. */
  threads: number;
  /** The most the page may use. */
  maxThreads: number;
  crossOriginIsolated: boolean;
  /** Why only one thread, or null. */
  reason: string | null;
}

export interface Prediction {
  /** The three most likely classes, most likely first. */
  top: { label: string; probability: number }[];
  /** |d loss / d pixel| of the top class, side × side, scaled to [0, 1]. */
  saliency: Float32Array;
  side: number;
}

export interface Misclassified {
  /** side × side grey pixels. */
  pixels: Uint8Array;
  label: string;
  predicted: string;
}

export interface Filters {
  /** [count, size, size] weights of the first convolution (its first input channel). */
  weights: Float32Array;
  count: number;
  size: number;
}

export type FromWorker =
  /** The worker is up: the digits it holds, and the settings to offer first (the quickstart's). */
  | ({ type: 'ready'; digits: number; defaults: TrainSettings } & ThreadInfo)
  | ({ type: 'started'; description: string; iterationsPerEpoch: number } & ThreadInfo)
  | {
      type: 'iteration';
      epoch: number;
      iteration: number;
      loss: number;
      imagesPerSecond: number;
      seconds: number;
    }
  | { type: 'epoch'; epoch: number; trainAccuracy: number; valAccuracy: number; imagesPerSecond: number }
  | { type: 'paused' }
  | {
      type: 'finished';
      status: 'completed' | 'stopped';
      testAccuracy: number;
      misclassified: Misclassified[];
      filters: Filters;
    }
  | ({ type: 'prediction' } & Prediction)
  | { type: 'model'; format: ModelFormat; bytes: Uint8Array; fileName: string }
  | { type: 'loaded'; description: string; testAccuracy: number }
  | { type: 'benchmark'; rows: BenchmarkRow[] }
  | { type: 'error'; message: string };
