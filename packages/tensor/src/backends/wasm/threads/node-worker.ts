/** A kernel worker's script under Node (`worker_threads`; started by platform/node.ts). */
import { workerData } from 'node:worker_threads';
import { runKernelWorker, type WorkerData } from './worker.js';

runKernelWorker(workerData as WorkerData);
