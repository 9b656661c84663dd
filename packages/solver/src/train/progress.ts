import cliProgress from 'cli-progress';
import type { EpochRecord } from '../history.js';

/** How training reports progress: a redrawn bar, plain lines, or nothing; 'auto' picks the bar on a TTY. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

interface IterationProgress {
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

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

export function createProgress(mode: ProgressMode, stream: Stream, printEvery: number, topK = 5): ProgressReporter {
  if (mode === 'none') return silent;
  if (mode === 'bar' || (mode === 'auto' && stream.isTTY)) return new BarProgress(stream, topK);
  return new LineProgress(stream, printEvery, topK);
}

const silent: ProgressReporter = { startEpoch() {}, iteration() {}, endEpoch() {}, message() {}, stop() {} };

/** One line per epoch: `epoch 3/160: train acc 91.20% (top-5 99.80%), val acc …`. */
function formatEpoch(r: EpochRecord, numEpochs: number, topK = 5): string {
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
    private readonly stream: Stream,
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

/** A terminal bar (cli-progress) redrawn in place, with loss, accuracy, images/s and ETA. */
class BarProgress implements ProgressReporter {
  private bar: cliProgress.SingleBar | null = null;
  private lastAcc = '-';
  constructor(
    private readonly stream: Stream,
    private readonly topK: number,
  ) {}

  startEpoch(epoch: number, numEpochs: number, iterations: number, startAt: number): void {
    this.stop();
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch}/${numEpochs} [{bar}] {value}/{total} | loss {loss} | val acc {acc} | {ips} img/s | ETA {eta_formatted}`,
        stream: this.stream,
        hideCursor: true,
        etaBuffer: 50,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(iterations, startAt, { loss: '-', acc: this.lastAcc, ips: '-' });
  }

  iteration(done: number, info: IterationProgress): void {
    this.bar?.update(done, { loss: info.loss.toFixed(4), acc: this.lastAcc, ips: info.imagesPerSecond.toFixed(1) });
  }

  endEpoch(record: EpochRecord, numEpochs: number): void {
    this.stop();
    this.lastAcc = `${(100 * record.valAcc).toFixed(2)}%`;
    this.stream.write(`${formatEpoch(record, numEpochs, this.topK)}\n`);
  }

  message(text: string): void {
    this.stop();
    this.stream.write(`${text}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
