import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, type Browser } from './chromium.ts';
import { faultline } from './run-cli.ts';
import { shoot } from './shoot.ts';

/** Named relative to the working directory, as a user would type it (the page's title shows it). */
const BAD = relative(process.cwd(), join(import.meta.dirname, '..', 'data', 'histories', 'cas-register-bad.edn'));

describe('the check-history page in a real browser (headless Chromium)', () => {
  let launched: Promise<Browser> | undefined;
  afterAll(async () => {
    await (await launched?.catch(() => undefined))?.close();
  }, 60_000);

  it('draws one bar per operation on its client lane, the core in view, without a script error or a request', async () => {
    const browser = await (launched ??= launchChromium({ width: 1100, height: 520 }));
    const file = join(mkdtempSync(join(tmpdir(), 'faultline-history-page-')), 'history.html');
    const r = await faultline(['check-history', BAD, '--model', 'cas-register', '--html', file, '--json']);
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout) as { operations: number; core: unknown[]; context: unknown[] };
    const { page, errors } = await openPage(browser, file);
    const bars = await page.locator('svg g rect').evaluateAll((rects) =>
      rects.map((el) => {
        const b = el.getBoundingClientRect();
        return { role: el.parentElement!.getAttribute('class')!.split(' ')[0], width: b.width, height: b.height, y: Math.round(b.top) };
      }),
    );
    expect(bars.length).toBe(verdict.operations);
    for (const b of bars) expect(b.width * b.height).toBeGreaterThan(0);
    expect(bars.filter((b) => b.role === 'core').length).toBe(verdict.core.length);
    expect(bars.filter((b) => b.role === 'context').length).toBe(verdict.context.length);
    // One row per client: as many distinct bar heights on the page as lanes drawn.
    const lanes = await page.locator('svg text.lane').count();
    expect(new Set(bars.map((b) => b.y)).size).toBe(lanes);
    // The page opens scrolled to the first core operation: it is inside the scrolled box.
    const inView = await page.locator('g.core').first().evaluate((g) => {
      const box = g.getBoundingClientRect();
      const scroller = g.closest('.scroll')!.getBoundingClientRect();
      return box.left >= scroller.left && box.right <= scroller.right;
    });
    expect(inView).toBe(true);
    expect(await page.locator('pre.explanation').textContent()).toContain('not linearizable');
    await shoot(page, 'history-page.png', 'body');
    expect(errors).toEqual([]);
    expect(browser.remoteRequests).toEqual([]);
  });
});
