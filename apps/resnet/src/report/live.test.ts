import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunFolder, RUN_FILES, writeJson } from '../run/run-folder.js';
import { LiveReport } from './live.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-live-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A run folder after `epochs` epochs of a run in progress (no results or figures yet). */
function runAfter(dir: string, epochs: number): void {
  writeJson(join(dir, RUN_FILES.config), { name: 'live', command: 'train', model: { n: 1, filters: 4, skip: true } });
  writeJson(join(dir, RUN_FILES.history), {
    iterations: Array.from({ length: 10 * epochs }, (_, i) => ({
      iteration: i + 1,
      nImages: 8 * (i + 1),
      loss: 2 / (i + 1),
      learningRate: 0.1,
    })),
    epochs: Array.from({ length: epochs }, (_, i) => ({
      epoch: i + 1,
      trainAcc: 0.5 + 0.1 * i,
      valAcc: 0.4 + 0.1 * i,
      trainTopK: 1,
      valTopK: 1,
      meanLoss: 1,
      imagesPerSecond: 100,
      learningRate: 0.1,
      seconds: 1,
    })),
  });
}

describe('the report of a run in progress', () => {
  it('is rewritten after an epoch with the curves so far, says so, and reloads itself', async () => {
    const dir = createRunFolder(join(tmp, 'run'));
    const out = join(dir, RUN_FILES.report);
    const notes: string[] = [];
    const live = new LiveReport(dir, out, (l) => notes.push(l));
    runAfter(dir, 2);
    live.epochEnded(2, 5);
    live.epochEnded(2, 5); // still drawing the first: skipped, not queued
    await live.settled();
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<meta http-equiv="refresh" content="30">');
    expect(html).toContain('<b>In progress:</b> epoch 2 of 5 done.');
    expect(html).toMatch(/<svg[\s\S]*<path/); // the loss and accuracy curves are drawn
    runAfter(dir, 3);
    live.epochEnded(3, 5);
    await live.settled();
    expect(readFileSync(out, 'utf8')).toContain('epoch 3 of 5 done.');
    expect(notes).toEqual([]);
  });

  it('logs a failure once and never throws into training', async () => {
    const dir = join(tmp, 'missing'); // no run folder: readRun fails
    const notes: string[] = [];
    const live = new LiveReport(dir, join(dir, 'report.html'), (l) => notes.push(l));
    live.epochEnded(1, 2);
    await live.settled();
    live.epochEnded(2, 2);
    await live.settled();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^note: the report of the run in progress could not be written: run folder .* does not exist/,
    );
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});
