import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History } from '@funt/solver';
import { afterAll, describe, expect, it } from 'vitest';
import { imageGrid } from '../images/grid.js';
import { encodePng } from '../images/png.js';
import { toRgbaImages } from '../images/to-rgba.js';
import { createRunFolder, RUN_FILES, readRun, writeFigure, writeJson } from '../run/run-folder.js';
import { writeReport } from './build.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A run folder as training would leave it, with made-up numbers. */
function fakeRun(name: string, seed: number): string {
  const dir = createRunFolder(join(tmp, name));
  writeJson(join(dir, RUN_FILES.config), {
    name,
    command: 'train',
    createdAt: 'now',
    model: { n: 1, filters: 4, skip: true },
    data: { dataset: 'synthetic', train: 64 },
    runtime: { backend: `${name === 'b' ? 'native' : 'wasm'}, 2 threads`, node: 'v20', threads: 2 },
  });
  const iterations = Array.from({ length: 40 }, (_, i) => ({
    iteration: i + 1,
    nImages: 16 * (i + 1),
    learningRate: 0.1,
    loss: 2 / (1 + i * seed) + 0.05 * Math.sin(i) + 0.1,
  }));
  const epochs = [1, 2, 3, 4].map((e) => ({
    epoch: e,
    learningRate: 0.1,
    meanLoss: 1 / e,
    trainAcc: 1 - 0.5 / e,
    trainTopK: 1,
    valAcc: 1 - 0.6 / e,
    valTopK: 1,
    imagesPerSecond: 100,
    seconds: 3,
  }));
  const history = new History();
  history.iterations = iterations;
  history.epochs = epochs;
  history.write(dir);
  writeJson(join(dir, RUN_FILES.results), {
    split: 'test',
    count: 20,
    top1: 0.85,
    top5: 1,
    classNames: ['a', 'b'],
    confusion: [
      [9, 1],
      [2, 8],
    ],
    perClassAccuracy: [0.9, 0.8],
  });
  const pics = toRgbaImages({ data: Float32Array.from({ length: 2 * 16 }, (_, i) => i % 7), shape: [2, 1, 4, 4] });
  writeFigure(dir, { name: 'first-layer-filters', title: 'Filters', layout: 'single' }, [
    { png: encodePng(imageGrid(pics, { scale: 4 })) },
  ]);
  writeFigure(
    dir,
    { name: 'misclassified', title: 'Misclassified', layout: 'gallery' },
    pics.map((p, i) => ({ png: encodePng(p), caption: `true a\ntop b\nsecond ${i}`, tone: 'bad' as const })),
  );
  return dir;
}

describe('report', () => {
  it('reads back what training writes', () => {
    const run = readRun(fakeRun('reread', 1));
    expect(run.history.epochs).toHaveLength(4);
    expect(run.figures.map((f) => f.name)).toEqual(['first-layer-filters', 'misclassified']);
    expect(run.history.iterations[3].loss).toBeCloseTo(2 / 4 + 0.05 * Math.sin(3) + 0.1);
  });

  it('writes one self-contained page comparing runs', async () => {
    const out = await writeReport([fakeRun('a', 1), fakeRun('b', 2)], join(tmp, 'cmp', 'index.html'), {
      title: 'A vs B',
    });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>A vs B');
    expect(html.match(/<svg/g)?.length).toBe(2); // loss and error charts, both runs on each
    expect(html.match(/data:image\/png;base64,/g)?.length).toBe(2 * 3);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing loaded from elsewhere
    expect(html).toContain('85.00%');
    // Each run says which backend it trained on.
    expect(html).toContain('backend wasm, 2 threads');
    expect(html).toContain('backend native, 2 threads');
    expect(html).toContain('second 1');
  });

  it('names a folder that is not a run', () => {
    expect(() => readRun(join(tmp, 'nope'))).toThrow(/run folder .*nope does not exist/);
  });
});

describe('report in a browser', async () => {
  const { chromiumMissingReason, renderReportInChromium } = await import('../testing/browser.js');
  const missing = chromiumMissingReason();
  if (missing) console.warn(missing);
  it.skipIf(missing !== null)('renders its charts and every image in headless Chromium', async () => {
    const out = await writeReport(
      [fakeRun('browser-a', 1), fakeRun('browser-b', 3)],
      join(tmp, 'browser', 'index.html'),
    );
    // FUNT_SCREENSHOT_DIR keeps the screenshot for a person to look at.
    const shot = join(process.env.FUNT_SCREENSHOT_DIR ?? join(tmp, 'browser'), 'report-unit.png');
    mkdirSync(join(shot, '..'), { recursive: true });
    const r = await renderReportInChromium(out, shot);
    expect(r.chartPaths).toHaveLength(2);
    for (const n of r.chartPaths) expect(n).toBeGreaterThan(4);
    expect(r.imageWidths).toHaveLength(6);
    for (const w of r.imageWidths) expect(w).toBeGreaterThan(0);
    expect(r.externalRequests).toEqual([]);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
  });
});
