import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's chromium, which CI installs; tests that need it skip with a printed reason when it is absent. */
const CHROMIUM = '/usr/bin/chromium';

export function chromiumMissingReason(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is not installed (apt-get install chromium); skipping the browser check of the report`;
}

interface RenderedReport {
  /** Per chart: the number of <path> elements with a non-empty `d`. */
  chartPaths: number[];
  /** naturalWidth of every <img>. */
  imageWidths: number[];
  /** Requests the page made to anything but the file itself (must be none: the report is self-contained). */
  externalRequests: string[];
  title: string;
}

/**
 * Opens a report from disk in headless Chromium (fresh profile, no network features), waits
 * for every image to decode, reports what rendered, and writes a full-page screenshot.
 */
export async function renderReportInChromium(htmlFile: string, screenshot: string): Promise<RenderedReport> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'funt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = await context.newPage();
    const url = pathToFileURL(htmlFile).href;
    const externalRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) externalRequests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(async () => {
      await Promise.all(Array.from(document.images).map((img) => img.decode().catch(() => undefined)));
    });
    const found = await page.evaluate(() => ({
      chartPaths: Array.from(document.querySelectorAll('.chart svg')).map(
        (svg) =>
          Array.from(svg.querySelectorAll('path')).filter((p) => (p.getAttribute('d') ?? '').trim().length > 1).length,
      ),
      imageWidths: Array.from(document.images).map((img) => img.naturalWidth),
      title: document.title,
    }));
    await page.screenshot({ path: screenshot, fullPage: true });
    return { ...found, externalRequests };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
