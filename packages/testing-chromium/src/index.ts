/**
 * @funt/testing-chromium: how funt's browser tests and the playground's benchmark start a
 * browser. One place for the executable and the flags, so that every browser test runs the
 * same Chromium the same way (headless, no GPU, no network features, a fresh profile).
 */

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/** Debian's Chromium, which CI installs (.ci/run); FUNT_CHROMIUM names another executable. */
export const CHROMIUM = process.env.FUNT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the tests that need Chromium cannot run here (`skipping` says which), or null when they
 * can: tests skip with this reason printed instead of failing on a machine without a browser.
 */
export function chromiumMissingReason(skipping: string): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is not installed (apt-get install chromium, or set FUNT_CHROMIUM): skipping ${skipping}`;
}

/** How `withChromium` sets up the browser's window and downloads. */
export interface ChromiumOptions {
  /** The page's size in CSS pixels (default 1280 × 900). */
  viewport?: { width: number; height: number };
  /** Let pages download files (default false). */
  acceptDownloads?: boolean;
}

/**
 * The flags every test browser runs with: headless and out of the GPU, and off the network
 * features (this machine refuses outside connections, and a test must not depend on them).
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Runs `use` with a headless Chromium on a fresh profile, and closes it and removes the profile after. */
export async function withChromium<T>(
  use: (context: BrowserContext) => Promise<T>,
  options: ChromiumOptions = {},
): Promise<T> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'funt-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: options.acceptDownloads ?? false,
      viewport: options.viewport ?? { width: 1280, height: 900 },
      args: FLAGS,
    });
    try {
      return await use(context);
    } finally {
      await context.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
