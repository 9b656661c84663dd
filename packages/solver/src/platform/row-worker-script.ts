/**
 * The batch-preparation worker (started by row-worker.ts): opens the training source from its
 * recipe, then for each request reads the rows into the slot with the source's own `readRow`
 * and marks the slot ready. An error marks the slot failed and its message goes to the error
 * port, which the main thread reads synchronously.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { ExampleSource } from '../data.js';
import { type RowRequest, type RowWorkerData, SLOT } from './row-worker-protocol.js';

const data = workerData as RowWorkerData & { errors: MessagePort };
const control = new Int32Array(data.control);
const values = data.dtype === 'float64' ? new Float64Array(data.values) : new Float32Array(data.values);
const slotSize = data.capacity * data.rowSize;

function fail(slot: number, error: unknown): void {
  data.errors.postMessage(error instanceof Error ? error.message : String(error));
  Atomics.store(control, slot, SLOT.failed);
  Atomics.notify(control, slot);
}

const opened: Promise<ExampleSource> = (async () => {
  const module = (await import(data.recipe.module)) as Record<string, (...args: unknown[]) => ExampleSource>;
  const open = module[data.recipe.exportName];
  if (typeof open !== 'function') throw new Error(`${data.recipe.module} has no export ${data.recipe.exportName}`);
  return open(...data.recipe.args);
})();
// Seen by the first request; until then nothing is waiting for it.
opened.catch(() => {});

parentPort!.on('message', async ({ slot, rows }: RowRequest) => {
  try {
    const source = await opened;
    const base = slot * slotSize;
    for (let k = 0; k < rows.length; k++) source.readRow(rows[k], values, base + k * data.rowSize);
    Atomics.store(control, slot, SLOT.ready);
    Atomics.notify(control, slot);
  } catch (error) {
    fail(slot, error);
  }
});
