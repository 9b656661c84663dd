import type { Log } from '../log.js';
import { writeReport } from './build.js';

/**
 * The report of a run in progress, rewritten after every epoch so that a user can watch a long
 * run by refreshing the page. A rewrite starts once the code that ended the epoch has returned
 * (by then the solver has written the epoch's history), runs while training goes on, and is
 * skipped when the previous one is still being drawn. A failure is logged once and never
 * stops training.
 */
export class LiveReport {
  private pending: Promise<void> = Promise.resolve();
  private busy = false;
  private failed = false;

  constructor(
    private readonly runDir: string,
    private readonly outFile: string,
    private readonly log: Log,
  ) {}

  /** Epoch `epoch` (1-based) of `total` has ended: redraw the page with the curves so far. */
  epochEnded(epoch: number, total: number): void {
    if (this.busy || this.failed) return;
    this.busy = true;
    this.pending = this.pending
      .then(() => writeReport([this.runDir], this.outFile, { inProgress: `epoch ${epoch} of ${total} done` }))
      .then(
        () => undefined,
        (e: unknown) => {
          this.failed = true;
          this.log(`note: the report of the run in progress could not be written: ${(e as Error).message}`);
        },
      )
      .finally(() => {
        this.busy = false;
      });
  }

  /** Waits for the rewrite in flight, if any (before the final report replaces it). */
  settled(): Promise<void> {
    return this.pending;
  }
}
