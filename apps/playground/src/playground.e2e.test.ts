/**
 * The built playground (dist/, from `pnpm build`) in headless Chromium, driven like a visitor:
 * served with the isolation headers it loads without console errors, trains on more than one
 * thread and lowers the loss, pauses and stops, draws its results, predicts a drawing, and a
 * downloaded model loads back (and scores the same in `funt-resnet eval`), as does one trained
 * by `funt-resnet train` in Node. Served as a
 * static host serves it (no headers), the service worker isolates it; without that either, it
 * runs on one thread and says so. Screenshots go to test-output/ (or FUNT_SCREENSHOT_DIR).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModel } from '@funt/onnx';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingReason, openPage, outputFile, withChromium } from './testing/chromium.js';
import { type StaticServer, serveBuilt } from './testing/servers.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const scratch = mkdtempSync(join(tmpdir(), 'funt-playground-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const missing = chromiumMissingReason() ?? (existsSync(join(dist, 'index.html')) ? null : `${dist} is not built`);
if (missing) console.warn(`skipping the playground's browser tests: ${missing}`);

/** apps/resnet's command line, built. */
const resnetCli = () =>
  join(dirname(createRequire(import.meta.url).resolve('@funt/resnet/package.json')), 'dist', 'cli.js');

type State = 'starting' | 'ready' | 'training' | 'paused' | 'finished';

async function waitForState(page: Page, state: State, timeout = 180_000): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset.state === s, state, { timeout });
}

const losses = (page: Page) =>
  page.evaluate(() => (window as unknown as { funtPlayground: { losses: number[] } }).funtPlayground.losses.slice());

/** Draws a "7" on the pad with the mouse. */
async function drawSeven(page: Page): Promise<void> {
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('the drawing pad is not on the page');
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [x, y] of [
    [0.5, 0.2],
    [0.75, 0.2],
    [0.65, 0.45],
    [0.55, 0.65],
    [0.48, 0.85],
  ]) {
    await page.mouse.move(...at(x, y), { steps: 6 });
  }
  await page.mouse.up();
}

/**
 * The top-3 list once the prediction of the drawing as it is after `act` has filled it (the list
 * is emptied first; predictions of half-drawn strokes arrive meanwhile and are not it).
 */
async function freshPrediction(page: Page, act: () => Promise<void>): Promise<string[]> {
  await page.evaluate(() => document.getElementById('top3')?.replaceChildren());
  await act();
  await page.waitForFunction(
    () =>
      (document.getElementById('top3')?.children.length ?? 0) === 3 &&
      !(window as unknown as { funtPlayground: { predictionPending: boolean } }).funtPlayground.predictionPending,
    null,
    { timeout: 60_000 },
  );
  return page.locator('#top3 li').allTextContents();
}

/** Whether the saliency canvas holds anything but black. */
const saliencyDrawn = (page: Page) =>
  page.evaluate(() => {
    const c = document.getElementById('saliency') as HTMLCanvasElement;
    const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 0) return true;
    return false;
  });

async function setSettings(page: Page, s: { n: string; filters: string; epochs: string; batch: string }) {
  await page.selectOption('#n', s.n);
  await page.selectOption('#filters', s.filters);
  await page.fill('#epochs', s.epochs);
  await page.selectOption('#batch', s.batch);
}

describe.skipIf(missing !== null)('the playground in headless Chromium', () => {
  let isolated: StaticServer;
  beforeAll(async () => {
    isolated = await serveBuilt(dist, { isolated: true });
  });
  afterAll(() => isolated?.close());

  it('trains, pauses, stops, shows its mistakes and filters, predicts drawings, and its model files load back', async () => {
    await withChromium(async (context) => {
      const { page, errors } = await openPage(context, isolated.url);
      await waitForState(page, 'ready');
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const threads = Number(await page.locator('#stat-threads').textContent());
      expect(threads, 'the kernels should run on more than one thread').toBeGreaterThan(1);

      // Train a small network for a few dozen iterations, then pause: the loss went down.
      await setSettings(page, { n: '1', filters: '4', epochs: '1', batch: '32' });
      await page.click('#start');
      await page.waitForFunction(
        () => (window as unknown as { funtPlayground: { losses: number[] } }).funtPlayground.losses.length >= 40,
        null,
        { timeout: 240_000 },
      );
      await page.click('#start'); // Pause
      await waitForState(page, 'paused');
      const l = await losses(page);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(l.slice(-8)), `losses ${l.map((x) => x.toFixed(3)).join(' ')}`).toBeLessThan(mean(l.slice(0, 8)));
      // images/s, with thousands separators ("1,024").
      expect(Number((await page.locator('#stat-speed').textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);

      // A paused model predicts a drawing: the top three classes and a saliency map.
      const whilePaused = await freshPrediction(page, () => drawSeven(page));
      expect(whilePaused.every((t) => /^\d\s+\d+\.\d%/.test(t))).toBe(true);
      expect(await saliencyDrawn(page)).toBe(true);

      // Stop: the test accuracy, misclassified validation digits and the first-layer filters.
      await page.click('#stop');
      await waitForState(page, 'finished');
      expect(await page.locator('#test-accuracy').textContent()).toMatch(/^Test accuracy \d+\.\d\d% on 1,000/);
      expect(await page.locator('#misclassified figure').count()).toBeGreaterThan(0);
      expect(await page.locator('#filters-grid figure').count()).toBe(4);
      await page.screenshot({ path: outputFile('playground-trained.png'), fullPage: true });

      // Download the model as safetensors and ONNX.
      const [safetensors] = await Promise.all([page.waitForEvent('download'), page.click('#download-safetensors')]);
      const modelPath = outputFile(safetensors.suggestedFilename());
      await safetensors.saveAs(modelPath);
      expect(safetensors.suggestedFilename()).toBe('resnet8-mnist.safetensors');
      const [onnx] = await Promise.all([page.waitForEvent('download'), page.click('#download-onnx')]);
      const onnxPath = outputFile(onnx.suggestedFilename());
      await onnx.saveAs(onnxPath);
      // Node's funt-resnet reads the page's model file, and scores it as the page did.
      const pageAccuracy = /Test accuracy (\d+\.\d\d)%/.exec(
        (await page.locator('#test-accuracy').textContent()) ?? '',
      )?.[1];
      const evaluated = spawnSync(process.execPath, [resnetCli(), 'eval', '--model', modelPath], { encoding: 'utf8' });
      expect(evaluated.status, evaluated.stderr).toBe(0);
      expect(/top-1 accuracy: (\d+\.\d\d)%/.exec(evaluated.stdout)?.[1]).toBe(pageAccuracy);
      const graph = decodeModel(readFileSync(onnxPath)).graph;
      expect(graph.input[0].shape).toEqual(['N', 1, 32, 32]);
      expect(graph.output[0].shape).toEqual(['N', 10]);

      // The downloaded file loads back and predicts the drawing exactly as the model did.
      const before = await freshPrediction(page, async () => {
        await page.click('#clear');
        await drawSeven(page);
      });
      const after = await freshPrediction(page, () => page.setInputFiles('#load-file', modelPath));
      expect(await page.locator('#model-status').textContent()).toMatch(/^Loaded ResNet-8 \(n = 1, 4 filters\)/);
      expect(after).toEqual(before);
      await page.screenshot({ path: outputFile('playground-loaded.png'), fullPage: true });
      expect(errors).toEqual([]);
    });
  });

  it('loads a model trained by funt-resnet train in Node, with the same test accuracy', async () => {
    const cli = resnetCli();
    const run = join(scratch, 'node-run');
    const trained = spawnSync(
      process.execPath,
      [
        cli,
        'train',
        '--n',
        '1',
        '--filters',
        '4',
        '--epochs',
        '1',
        '--train-size',
        '600',
        '--batch-size',
        '64',
        '--checkpoint-every',
        '0',
        '--no-report',
        '--progress',
        'none',
        '--out',
        run,
      ],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(trained.status, trained.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')) as { top1: number };
    await withChromium(async (context) => {
      const { page, errors } = await openPage(context, isolated.url);
      await waitForState(page, 'ready');
      await page.setInputFiles('#load-file', join(run, 'best-model.safetensors'));
      await page.waitForFunction(
        () => /^Loaded/.test(document.getElementById('model-status')?.textContent ?? ''),
        null,
        {
          timeout: 120_000,
        },
      );
      const status = (await page.locator('#model-status').textContent()) as string;
      expect(status).toMatch(/^Loaded ResNet-8 \(n = 1, 4 filters\), [\d,]+ parameters, mnist: test accuracy/);
      expect(status).toContain(`test accuracy ${(100 * results.top1).toFixed(2)}%`);
      const top = await freshPrediction(page, () => drawSeven(page));
      expect(top).toHaveLength(3);
      expect(errors).toEqual([]);
    });
  });

  it("runs its benchmark: ResNet-20's images/s on 1 and on every thread, beside Node's", async () => {
    await withChromium(async (context) => {
      const { page, errors } = await openPage(context, isolated.url);
      await waitForState(page, 'ready');
      await page.click('#bench');
      await page.waitForFunction(() => document.querySelectorAll('#bench-table tbody tr').length > 0, null, {
        timeout: 600_000,
      });
      const rows = await page
        .locator('#bench-table tbody tr')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
      const threads = Number(await page.locator('#stat-threads').textContent());
      expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(
        ['training', 'inference'].flatMap((pass) => [`${pass} 1`, `${pass} ${threads}`]),
      );
      for (const r of rows) expect(Number(r[2].replace(/,/g, '')), r.join(' ')).toBeGreaterThan(0);
      expect(await page.locator('#bench-note').textContent()).toMatch(/^Node: Node v\d+/);
      await page.screenshot({ path: outputFile('playground-benchmark.png'), fullPage: true });
      expect(errors).toEqual([]);
    });
  });

  it('on a static host without the headers, the service worker makes the page cross-origin isolated', async () => {
    const plain = await serveBuilt(dist, { isolated: false });
    try {
      await withChromium(async (context) => {
        const { page, errors } = await openPage(context, plain.url);
        // coi-serviceworker registers itself and reloads the page once it controls it.
        await page.waitForFunction(() => crossOriginIsolated, null, { timeout: 60_000 });
        await waitForState(page, 'ready');
        expect(Number(await page.locator('#stat-threads').textContent())).toBeGreaterThan(1);
        expect(errors).toEqual([]);
      });
    } finally {
      await plain.close();
    }
  });

  it('without isolation it trains on one thread and says so', async () => {
    const plain = await serveBuilt(dist, { isolated: false });
    try {
      await withChromium(async (context) => {
        // A browser with no service worker for the page (coi-serviceworker told not to register).
        await context.addInitScript(() => {
          (window as unknown as { coi: object }).coi = { shouldRegister: () => false };
        });
        const { page, errors, warnings } = await openPage(context, plain.url);
        await waitForState(page, 'ready');
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
        expect(await page.locator('#threads').textContent()).toBe('1 thread');
        expect(await page.locator('#isolation').textContent()).toMatch(/^One thread only: .*not cross-origin isolated/);
        expect(warnings.some((w) => /kernels run on one thread/.test(w))).toBe(true);
        await setSettings(page, { n: '1', filters: '4', epochs: '1', batch: '32' });
        await page.click('#start');
        await page.waitForFunction(
          () => (window as unknown as { funtPlayground: { losses: number[] } }).funtPlayground.losses.length >= 5,
          null,
          { timeout: 240_000 },
        );
        await page.click('#stop');
        await waitForState(page, 'finished');
        await page.screenshot({ path: outputFile('playground-one-thread.png'), fullPage: true });
        expect(errors).toEqual([]);
      });
    } finally {
      await plain.close();
    }
  });
});
