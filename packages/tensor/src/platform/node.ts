import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_PARTICIPANTS } from '../backends/wasm/threads/job.js';
import type { Platform } from './platform.js';

/**
 * Node: the kernels are read from the package's files synchronously (so no Node user needs an
 * `await`), threads are `worker_threads` on every core.
 */
export const nodePlatform: Platform = {
  name: 'node',
  readBytesSync(url) {
    const path = fileURLToPath(url);
    if (!existsSync(path)) {
      throw new Error(
        `@funt/tensor: the WebAssembly kernels are missing (${path}). ` +
          'Run `pnpm build` in packages/tensor (or `pnpm build` at the repository root) to compile them.',
      );
    }
    return readFileSync(path);
  },
  async readBytes(url) {
    return nodePlatform.readBytesSync(url) as Uint8Array;
  },
  threadLimit: () => ({ threads: MAX_PARTICIPANTS, reason: null }),
  defaultThreads: () => Math.min(availableParallelism(), MAX_PARTICIPANTS),
  startKernelWorker(workerData, onError) {
    checkWorkerScript();
    const worker = new Worker(WORKER_URL, {
      workerData,
      name: `funt-kernels-${workerData.participant}`,
      execArgv: workerExecArgv(),
    });
    worker.on('error', onError);
    // Idle workers sleep in Atomics.wait; they must not keep the process alive.
    worker.unref();
  },
};

/**
 * The worker script, always the compiled one in dist/ (Node runs no TypeScript): from
 * src/platform (vitest) and dist/platform alike. `pnpm build` writes it, as it writes
 * build/kernels.wasm, and the tests run after the build.
 */
const WORKER_URL = new URL('../../dist/backends/wasm/threads/node-worker.js', import.meta.url);

/** Sources of the worker script; when running from src/, dist/ must not be older than them. */
const WORKER_SOURCES = ['node-worker', 'worker', 'job'];

function checkWorkerScript(): void {
  const path = fileURLToPath(WORKER_URL);
  if (!existsSync(path)) {
    throw new Error(
      `@funt/tensor: the kernel worker script is missing (${path}). Run \`pnpm build\` in packages/tensor.`,
    );
  }
  if (!import.meta.url.endsWith('.ts')) return;
  for (const name of WORKER_SOURCES) {
    const source = fileURLToPath(new URL(`../backends/wasm/threads/${name}.ts`, import.meta.url));
    const built = fileURLToPath(new URL(`./${name}.js`, WORKER_URL));
    if (existsSync(source) && (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs)) {
      throw new Error(`@funt/tensor: ${built} is older than ${source}. Run \`pnpm build\` in packages/tensor.`);
    }
  }
}

/**
 * Workers inherit Node's flags, but `--input-type` (of `node --input-type=module -e …`) makes a
 * worker refuse to start; Node also refuses an explicit list holding process-wide flags
 * (--expose-gc), so such a process gets workers without flags: they only run wasm.
 */
function workerExecArgv(): string[] | undefined {
  return process.execArgv.some((a) => a.startsWith('--input-type')) ? [] : undefined;
}
