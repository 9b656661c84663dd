import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Rng, Tensor } from '@funt/tensor';
import { afterAll } from 'vitest';
import type { SolverEvents, SolverOptions } from '../solver.js';

/** Test support: options and hooks shared by the Solver tests (not part of the package build). */

/** No progress output and no signal handlers: what a test run wants. */
export const quiet: Partial<SolverOptions> = { progress: 'none', handleSignals: false };

/** Events that ask the solver to stop after iteration k (1-based, counted over the run). */
export const stopAfter = (k: number): SolverEvents => ({
  onIteration: (info, solver) => info.iteration === k && solver.requestStop(),
});

/** Gaussian noise from the solver's augmentation generator, in place: exercises the saved Rng. */
export const noise = (batch: Tensor, rng: Rng): Tensor => {
  const d = batch.data;
  for (let i = 0; i < d.length; i++) d[i] += rng.normal(0, 0.1);
  return batch;
};

/** A temporary folder for one test file, removed after it; `file(name)` gives a fresh path in it. */
export function temporaryFolder(prefix: string): { dir: string; file: (name: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let counter = 0;
  return { dir, file: (name) => path.join(dir, `${counter++}-${name}`) };
}
