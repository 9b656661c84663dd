import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumMissingReason as missingReason, withChromium as withTestChromium } from '@funt/testing-chromium';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

/** Why the playground's browser tests cannot run here, or null when they can. */
export function chromiumMissingReason(): string | null {
  return missingReason("the playground's browser tests");
}

/** Screenshots and downloads of the browser tests: FUNT_SCREENSHOT_DIR, else apps/playground/test-output. */
export const TEST_OUTPUT =
  process.env.FUNT_SCREENSHOT_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');

export function outputFile(name: string): string {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  return join(TEST_OUTPUT, name);
}

/** Runs `use` with a headless Chromium (fresh profile, downloads allowed, a tall window for screenshots). */
export function withChromium<T>(use: (context: BrowserContext) => Promise<T>): Promise<T> {
  return withTestChromium(use, { acceptDownloads: true, viewport: { width: 1200, height: 1600 } });
}

/** A new page whose console errors, warnings and uncaught exceptions are collected. */
export async function openPage(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; errors: string[]; warnings: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  await page.goto(url);
  return { page, errors, warnings };
}
