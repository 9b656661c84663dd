import type { Tensor } from '@funt/tensor';
import type { ProgressReporter, ProgressStream } from '../train/progress.js';
import type { StartRowPrefetcher } from '../train/row-prefetch.js';

/**
 * What the Solver does only where there is a file system and a terminal: write and read a run's
 * files (checkpoints, histories, the best model) and draw a progress bar. Everything else — the
 * update rules, schedules, the training loop, evaluation — is the same code on every host. Each
 * entry point installs one platform when it is imported: `index.ts` (Node) and `browser.ts`
 * (browsers: no files, progress only to a stream the caller gives).
 */
export interface SolverPlatform {
  readonly name: 'node' | 'browser';
  readonly files: RunFiles;
  /** The terminal bar of `progress: 'bar'`, or null where there is none. */
  readonly progressBar: ((stream: ProgressStream, topK: number) => ProgressReporter) | null;
  /** Where progress goes unless the options say (Node: process.stdout), or null. */
  defaultStream(): ProgressStream | null;
  /** Whether SIGINT/SIGTERM can stop a run (`handleSignals`): a process's; a page stops one with requestStop(). */
  readonly signals: boolean;
  /** Reads the next batch's rows in a worker thread (`prepareInWorker`), or null where there is none. */
  readonly rowPrefetcher: StartRowPrefetcher | null;
}

/** A run's files. Every write is atomic: a crash leaves the previous file or the new one. */
export interface RunFiles {
  exists(path: string): boolean;
  saveTensors(tensors: Record<string, Tensor>, path: string, metadata: Record<string, string>): void;
  loadTensors(path: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> };
  /** Writes `text` as the file `name` in the folder `dir`. */
  writeText(dir: string, name: string, text: string): void;
}

let installed: SolverPlatform | null = null;

/** Called by the entry points (index.ts, browser.ts) when they are imported. */
export function installPlatform(platform: SolverPlatform): void {
  installed = platform;
}

export function platform(): SolverPlatform {
  if (!installed) {
    throw new Error(
      "@funt/solver: no platform is installed; import the package ('@funt/solver'), not one of its internal modules",
    );
  }
  return installed;
}
