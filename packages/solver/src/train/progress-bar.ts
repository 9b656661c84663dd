import cliProgress from 'cli-progress';
import type { EpochRecord } from '../history.js';
import { formatEpoch, type IterationProgress, type ProgressReporter, type ProgressStream } from './progress.js';

/** A terminal bar (cli-progress) redrawn in place, with loss, accuracy, images/s and ETA. */
export class BarProgress implements ProgressReporter {
  private bar: cliProgress.SingleBar | null = null;
  private lastAcc = '-';
  constructor(
    private readonly stream: ProgressStream,
    private readonly topK: number,
  ) {}

  startEpoch(epoch: number, numEpochs: number, iterations: number, startAt: number): void {
    this.stop();
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch}/${numEpochs} [{bar}] {value}/{total} | loss {loss} | val acc {acc} | {ips} img/s | ETA {eta_formatted}`,
        stream: this.stream as NodeJS.WritableStream,
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
