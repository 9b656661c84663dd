import type { ExampleSource } from '../data.js';

/**
 * Reads the rows of the next batch while the kernels run the current one: the training batches
 * `request` rows into one of two slots and later `take` them, waiting only if they are not read
 * yet. Rows are the source's values exactly (the same `readRow` runs elsewhere), so nothing of
 * training changes but when the reads happen. Node's is a worker thread (platform/row-worker.ts);
 * a platform without one has none.
 */
export interface RowPrefetcher {
  /** Starts reading the source's rows `rows` (indices) into `slot` (0 or 1). */
  request(slot: number, rows: Int32Array): void;
  /** Waits for `slot`'s rows and copies their values (rows × row size) into `dst`; the slot is then free. */
  take(slot: number, dst: Float32Array | Float64Array): void;
  /** Stops the reader; the prefetcher is unusable afterwards. */
  close(): void;
}

/** Starts a prefetcher reading `source` (which has a recipe) in batches of up to `capacity` rows. */
export type StartRowPrefetcher = (source: ExampleSource, capacity: number) => RowPrefetcher;
