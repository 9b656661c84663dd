import type { RunFiles, SolverPlatform } from './platform.js';

function noFiles(what: string): never {
  throw new Error(
    `@funt/solver: ${what} needs a file system, which a browser does not have: leave checkpointPath, resume, ` +
      'historyDir and exportBest to Node (in a page, solver.bestModelState and history hold the same)',
  );
}

const files: RunFiles = {
  exists: () => noFiles('resume'),
  saveTensors: (_tensors, path) => noFiles(`writing '${path}'`),
  loadTensors: (path) => noFiles(`reading '${path}'`),
  writeText: (dir) => noFiles(`writing the histories to '${dir}'`),
};

/** A browser: no files, no terminal; progress goes only to a stream the caller gives (`stream`). */
export const browserPlatform: SolverPlatform = {
  name: 'browser',
  files,
  progressBar: null,
  defaultStream: () => null,
  signals: false,
  rowPrefetcher: null,
};
