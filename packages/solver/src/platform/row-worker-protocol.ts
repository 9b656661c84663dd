/**
 * What the main thread and the batch-preparation worker share (platform/row-worker.ts and
 * row-worker-script.ts): a control block of Int32s — one state per slot, waited on with
 * Atomics — and the rows' values in one SharedArrayBuffer of two slots.
 */

/** Slot states (control[slot]). */
export const SLOT = { idle: 0, pending: 1, ready: 2, failed: 3 } as const;

/** What the main thread gives the worker when it starts. */
export interface RowWorkerData {
  recipe: { module: string; exportName: string; args: unknown[] };
  /** Int32Array(2) of slot states. */
  control: SharedArrayBuffer;
  /** 2 × capacity × rowSize values of `dtype`. */
  values: SharedArrayBuffer;
  dtype: 'float32' | 'float64';
  capacity: number;
  rowSize: number;
}

/** A request: read `rows` into `slot`. */
export interface RowRequest {
  slot: number;
  rows: Int32Array;
}
