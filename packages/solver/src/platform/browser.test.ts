import { afterEach, describe, expect, it, vi } from 'vitest';
import { Solver } from '../solver.js';
import { blobData, linearClassifier, nll } from '../testing/models.js';
import { browserPlatform } from './browser.js';
import { nodePlatform } from './node.js';
import { installPlatform } from './platform.js';

/** The Solver on the platform a browser gets: no files, no terminal, no process signals. */
describe('the browser platform', () => {
  afterEach(() => installPlatform(nodePlatform));
  const data = blobData(30, 15, 3, [4]);

  it('trains with the default options, quietly, and stops on requestStop', async () => {
    installPlatform(browserPlatform);
    const write = vi.spyOn(process.stdout, 'write');
    const on = vi.spyOn(process, 'on');
    try {
      const solver = new Solver(linearClassifier(4, 3), nll(), data, {
        batchSize: 10,
        numEpochs: 4,
        optimConfig: { learningRate: 0.1 },
        events: { onEpochEnd: (record, s) => record.epoch === 2 && s.requestStop() },
      });
      const first = await solver.train();
      expect(first.status).toBe('interrupted');
      expect(first.epochs).toBe(2);
      // A paused run continues where it stopped when train() is called again.
      const rest = await solver.train();
      expect(rest.status).toBe('completed');
      expect(solver.history.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
      // Progress went nowhere (a page has no stdout), and no signal handler was installed.
      expect(write).not.toHaveBeenCalled();
      expect(on).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      on.mockRestore();
    }
  });

  it('refuses files with an error that says why, before training starts', async () => {
    installPlatform(browserPlatform);
    const solver = new Solver(linearClassifier(4, 3), nll(), data, {
      progress: 'none',
      numEpochs: 1,
      historyDir: 'runs/x',
    });
    await expect(solver.train()).rejects.toThrow(/writing the histories to 'runs\/x' needs a file system/);
    expect(() => solver.exportBest('best.safetensors')).toThrow(/writing 'best\.safetensors' needs a file system/);
    expect(() => new Solver(linearClassifier(4, 3), nll(), data, { progress: 'bar' })).not.toThrow();
  });
});
