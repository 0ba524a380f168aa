import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Where the screenshots go: a directory outside the repository, unless
 * FAULTLINE_DOCS_IMAGES names one (`FAULTLINE_DOCS_IMAGES=docs/images npx vitest run
 * test/browser/` renews the pictures in docs/visualizer.md and docs/history.md).
 */
const SHOTS = resolve(process.env.FAULTLINE_DOCS_IMAGES ?? join(process.env.FAULTLINE_SCREENSHOT_DIR ?? tmpdir(), 'faultline-plot-shots'));

/** Saves a screenshot of the page (or of `locator`) as SHOTS/`name`; a blank picture fails. */
export async function shoot(page: Page, name: string, locator?: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, name);
  if (locator) await page.locator(locator).screenshot({ path });
  else await page.screenshot({ path });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

