import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ExampleSource } from '../data.js';
import { SolverConfigError } from '../errors.js';
import type { RowPrefetcher } from '../train/row-prefetch.js';
import { type RowRequest, type RowWorkerData, SLOT } from './row-worker-protocol.js';

/**
 * The worker script, always the compiled one in dist/ (Node runs no TypeScript): from
 * src/platform (vitest) and dist/platform alike; `pnpm build` writes it.
 */
const SCRIPT_URL = new URL('../../dist/platform/row-worker-script.js', import.meta.url);

/**
 * Node's RowPrefetcher: a worker thread opens the source from its recipe and reads requested
 * rows into a SharedArrayBuffer of two slots; the main thread waits on a slot with
 * Atomics.wait, so the training loop keeps its synchronous shape.
 */
export function startRowWorker(source: ExampleSource, capacity: number): RowPrefetcher {
  if (!source.recipe) {
    throw new SolverConfigError(
      'prepareInWorker: data.xTrain has no recipe (the module, export and arguments with which a worker opens the same rows)',
    );
  }
  const script = fileURLToPath(SCRIPT_URL);
  if (!existsSync(script)) {
    throw new Error(
      `@funt/solver: the batch worker script is missing (${script}). Run \`pnpm build\` in packages/solver.`,
    );
  }
  const rowSize = source.shape.slice(1).reduce((a, b) => a * b, 1);
  const bytes = source.dtype === 'float64' ? 8 : 4;
  const control = new SharedArrayBuffer(2 * 4);
  const values = new SharedArrayBuffer(2 * capacity * rowSize * bytes);
  const view = source.dtype === 'float64' ? new Float64Array(values) : new Float32Array(values);
  const state = new Int32Array(control);
  const errors = new MessageChannel();
  const data: RowWorkerData & { errors: unknown } = {
    recipe: source.recipe,
    control,
    values,
    dtype: source.dtype === 'float64' ? 'float64' : 'float32',
    capacity,
    rowSize,
    errors: errors.port2,
  };
  const worker = new Worker(SCRIPT_URL, { workerData: data, transferList: [errors.port2], name: 'funt-batch-rows' });
  // It waits for requests between epochs; it must not keep the process alive.
  worker.unref();
  const counts = [0, 0];
  let closed = false;

  return {
    request(slot, rows) {
      if (closed) throw new Error('RowPrefetcher: request after close');
      if (rows.length > capacity)
        throw new RangeError(`RowPrefetcher: ${rows.length} rows exceed capacity ${capacity}`);
      counts[slot] = rows.length;
      Atomics.store(state, slot, SLOT.pending);
      worker.postMessage({ slot, rows: Int32Array.from(rows) } satisfies RowRequest);
    },
    take(slot, dst) {
      while (Atomics.load(state, slot) === SLOT.pending) Atomics.wait(state, slot, SLOT.pending, 1000);
      const s = Atomics.load(state, slot);
      if (s === SLOT.failed) {
        const message = receiveMessageOnPort(errors.port1)?.message ?? 'the batch worker failed';
        throw new Error(`batch worker: ${message}`);
      }
      if (s !== SLOT.ready) throw new Error(`RowPrefetcher: slot ${slot} was not requested`);
      const base = slot * capacity * rowSize;
      dst.set(view.subarray(base, base + counts[slot] * rowSize));
      Atomics.store(state, slot, SLOT.idle);
    },
    close() {
      if (closed) return;
      closed = true;
      errors.port1.close();
      void worker.terminate();
    },
  };
}
