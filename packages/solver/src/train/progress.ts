import type { EpochRecord } from '../history.js';
import { platform } from '../platform/platform.js';

/** How training reports progress: a redrawn bar, plain lines, or nothing; 'auto' picks the bar on a TTY. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface IterationProgress {
  loss: number;
  learningRate: number;
  imagesPerSecond: number;
}

export interface ProgressReporter {
  startEpoch(epoch: number, numEpochs: number, iterations: number, startAt: number): void;
  iteration(done: number, info: IterationProgress): void;
  endEpoch(record: EpochRecord, numEpochs: number): void;
  message(text: string): void;
  stop(): void;
}

/** Where progress is written: process.stdout in Node, or anything with `write(text)`. */
/** Where progress goes: anything with `write` (a terminal, a file stream, a page's log). */
export interface ProgressStream {
  /** Writes a piece of progress text. */
  write(text: string): unknown;
  /** True on a terminal: the bar redraws its line in place. */
  isTTY?: boolean;
}

/**
 * The reporter for `mode` on `stream` (null: the platform's default, which a browser does not
 * have, so there progress is silent unless a stream is given). The bar needs a terminal (Node).
 */
export function createProgress(
  mode: ProgressMode,
  stream: ProgressStream | null,
  printEvery: number,
  topK = 5,
): ProgressReporter {
  const out = stream ?? platform().defaultStream();
  if (mode === 'none' || out === null) return silent;
  const { progressBar } = platform();
  if (mode === 'bar' && progressBar === null) throw new Error("@funt/solver: progress 'bar' needs a terminal (Node)");
  if (progressBar && (mode === 'bar' || (mode === 'auto' && out.isTTY))) return progressBar(out, topK);
  return new LineProgress(out, printEvery, topK);
}

const silent: ProgressReporter = { startEpoch() {}, iteration() {}, endEpoch() {}, message() {}, stop() {} };

/** One line per epoch: `epoch 3/160: train acc 91.20% (top-5 99.80%), val acc …`. */
export function formatEpoch(r: EpochRecord, numEpochs: number, topK = 5): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return (
    `epoch ${r.epoch}/${numEpochs}: train acc ${pct(r.trainAcc)} (top-${topK} ${pct(r.trainTopK)}), ` +
    `val acc ${pct(r.valAcc)} (top-${topK} ${pct(r.valTopK)}), mean loss ${r.meanLoss.toFixed(4)}, ` +
    `${r.imagesPerSecond.toFixed(1)} img/s, lr ${r.learningRate.toPrecision(3)}, ${r.seconds.toFixed(1)} s`
  );
}

/** Plain lines for logs and pipes: one every `printEvery` iterations and one per epoch. */
class LineProgress implements ProgressReporter {
  private epoch = 0;
  private numEpochs = 0;
  private iterations = 0;
  constructor(
    private readonly stream: ProgressStream,
    private readonly printEvery: number,
    private readonly topK: number,
  ) {}

  startEpoch(epoch: number, numEpochs: number, iterations: number): void {
    this.epoch = epoch;
    this.numEpochs = numEpochs;
    this.iterations = iterations;
  }

  iteration(done: number, info: IterationProgress): void {
    if (done % this.printEvery !== 0 && done !== this.iterations) return;
    this.stream.write(
      `(epoch ${this.epoch}/${this.numEpochs}, iteration ${done}/${this.iterations}) loss ${info.loss.toFixed(4)}, ` +
        `lr ${info.learningRate.toPrecision(3)}, ${info.imagesPerSecond.toFixed(1)} img/s\n`,
    );
  }

  endEpoch(record: EpochRecord, numEpochs: number): void {
    this.stream.write(`${formatEpoch(record, numEpochs, this.topK)}\n`);
  }

  message(text: string): void {
    this.stream.write(`${text}\n`);
  }

  stop(): void {}
}
