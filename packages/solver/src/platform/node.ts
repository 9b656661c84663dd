import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors, writeFileAtomic } from '@funt/tensor';
import { BarProgress } from '../train/progress-bar.js';
import type { SolverPlatform } from './platform.js';
import { startRowWorker } from './row-worker.js';

/** Node: files through @funt/tensor's atomic safetensors and text writes, the bar on stdout. */
export const nodePlatform: SolverPlatform = {
  name: 'node',
  files: {
    exists: (path) => existsSync(path),
    saveTensors: (tensors, path, metadata) => saveSafetensors(tensors, path, metadata),
    loadTensors: (path) => loadSafetensors(path),
    writeText: (dir, name, text) => writeFileAtomic(join(dir, name), [new TextEncoder().encode(text)]),
  },
  progressBar: (stream, topK) => new BarProgress(stream, topK),
  defaultStream: () => process.stdout,
  signals: true,
  rowPrefetcher: startRowWorker,
};
