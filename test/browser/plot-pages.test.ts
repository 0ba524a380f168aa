import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { caughtBugRun } from '../../packages/cli/test/viz/caught-bug.ts';
import { launchChromium, openPage, type Browser } from './chromium.ts';
import { renderCampaignReport, renderRunReport } from './plot-pages.ts';
import { renderDiagram } from './render-diagram.ts';
import { shoot } from './shoot.ts';

/** The size and position of every plot on the page, as Chromium laid it out. */
async function plotBoxes(page: Page): Promise<{ id: string; width: number; height: number; marks: number }[]> {
  return await page.locator('svg.plot').evaluateAll((svgs) =>
    svgs.map((s) => {
      const r = s.getBoundingClientRect();
      return { id: s.id, width: r.width, height: r.height, marks: s.querySelectorAll('.op, .bar').length };
    }),
  );
}

describe('the plot pages in a real browser (headless Chromium)', () => {
  let launched: Promise<Browser> | undefined;
  const browserFor = () => (launched ??= launchChromium({ width: 1040, height: 900 }));
  const result = caughtBugRun();

  afterAll(async () => {
    await (await launched?.catch(() => undefined))?.close();
  }, 60_000);

  it('a run report renders its four plots, one mark per operation, without a script error or a request', async () => {
    const browser = await browserFor();
    const file = await renderRunReport(result.seed);
    const { page, errors } = await openPage(browser, file);
    const boxes = await plotBoxes(page);
    expect(boxes.map((b) => b.id)).toEqual(['latency', 'throughput', 'timeline', 'messages']);
    for (const b of boxes) expect(b.width * b.height).toBeGreaterThan(20_000);
    expect(await page.locator('#latency .op').count()).toBe(result.history.length);
    // A dot is drawn where it should be: inside the plot, not at the origin.
    const dot = await page.locator('#latency .op').first().boundingBox();
    expect(dot!.width).toBeGreaterThan(2);
    expect(await page.locator('#latency .violation text').textContent()).toContain(result.violation!.property);
    await shoot(page, 'run-report.png', 'body');
    expect(errors).toEqual([]);
    expect(browser.remoteRequests).toEqual([]);
  });

  it('the space-time diagram opens its plots from the Plots button, over the diagram, and closes them', async () => {
    const browser = await browserFor();
    const { file } = await renderDiagram(result.seed);
    const { page, errors } = await openPage(browser, file);
    await expect.poll(() => page.locator('#verdict').textContent()).toContain('violated');
    expect(await page.locator('#latency').isVisible()).toBe(false);
    await page.locator('#faultline-plots-panel > summary').click();
    await expect.poll(() => page.locator('#latency').isVisible()).toBe(true);
    expect(await page.locator('#latency .op').count()).toBe(result.history.length);
    await shoot(page, 'viewer-plots.png');
    await page.locator('#faultline-plots-panel > summary').click();
    await expect.poll(() => page.locator('#latency').isVisible()).toBe(false);
    // The diagram still answers its keys.
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('#slider').inputValue()).toBe('0');
    expect(errors).toEqual([]);
  });

  it('a campaign report renders its plots', async () => {
    const browser = await browserFor();
    const file = await renderCampaignReport(30);
    const { page } = await openPage(browser, file);
    const boxes = await plotBoxes(page);
    expect(boxes.map((b) => b.id)).toEqual(['failures-by-property', 'violation-times', 'seeds-per-second', 'events-per-seed', 'shrunk-sizes']);
    for (const b of boxes) {
      expect(b.width * b.height).toBeGreaterThan(10_000);
      expect(b.marks, b.id).toBeGreaterThan(0);
    }
    await shoot(page, 'campaign-report.png', 'body');
    expect(browser.remoteRequests).toEqual([]);
  }, 120_000);
});

