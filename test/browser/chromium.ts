import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (scripts/ensure-chromium.mjs installs it before `npm test`), or FAULTLINE_CHROMIUM. */
export const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  /** Every request the pages made for something other than a local file. */
  readonly remoteRequests: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile, driven by playwright-core. Requests that leave
 * the machine are refused and recorded, so a test can check that a page needs nothing from
 * the network. Fails (never skips) when Chromium is missing, saying how to get it.
 */
export async function launchChromium(viewport = { width: 1400, height: 860 }): Promise<Browser> {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(`no Chromium at ${CHROMIUM}: run 'node scripts/ensure-chromium.mjs' (as root it installs Debian's chromium; otherwise it says what to install), or set FAULTLINE_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'faultline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  const remoteRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url === 'about:blank') return route.continue();
    remoteRequests.push(url);
    return route.abort();
  });
  return {
    context,
    remoteRequests,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new tab of `browser` on the local page `file`; `errors` collects the page's uncaught script errors. */
export async function openPage(browser: Browser, file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  return { page, errors };
}
