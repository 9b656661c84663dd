import { pathToFileURL } from 'node:url';
import { chromiumMissingReason as missingReason, withChromium } from '@funt/testing-chromium';

/** Why the browser check of the report cannot run here, or null when it can. */
export function chromiumMissingReason(): string | null {
  return missingReason('the browser check of the report');
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
  return withChromium(async (context) => {
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
  });
}
