import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { caughtBugRun } from '../../packages/cli/test/viz/caught-bug.ts';
import { pageData } from '../../packages/cli/test/viz/page-data.ts';
import { launchChromium, openPage, type Browser } from './chromium.ts';
import { renderDiagram } from './render-diagram.ts';

interface View { mode: 'order' | 'time'; scale: number; c0: number; c1: number; detailed: boolean }
const view = (page: Page) => page.evaluate(() => (globalThis as unknown as { faultlineDiagram: { view(): View } }).faultlineDiagram.view());
const ready = (page: Page) => page.waitForFunction(() => (globalThis as unknown as { faultlineDiagram?: { readyMs?: number } }).faultlineDiagram?.readyMs !== undefined);

/** The drawn events' centres: [event index, x, y]. */
const drawn = (page: Page) =>
  page.locator('[data-ev] circle.hit').evaluateAll((els) => els.map((el) => [Number(el.parentElement!.getAttribute('data-ev')), Number(el.getAttribute('cx')), Number(el.getAttribute('cy'))] as [number, number, number]));

/** Boxes of the texts matching `selector` that overlap another's. */
const overlapping = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) => {
    const boxes = els.map((el) => (el as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }).getBBox());
    const hits: string[] = [];
    for (let a = 0; a < boxes.length; a++)
      for (let b = a + 1; b < boxes.length; b++) {
        const p = boxes[a]!, q = boxes[b]!;
        if (p.x < q.x + q.width - 0.5 && q.x < p.x + p.width - 0.5 && p.y < q.y + q.height - 0.5 && q.y < p.y + p.height - 0.5) hits.push(`${els[a]!.textContent} / ${els[b]!.textContent}`);
      }
    return { count: boxes.length, hits, cut: els.filter((el) => el.textContent!.endsWith('…')).length };
  });

describe('the viewer: overview, zoom, time axis, labels (headless Chromium)', () => {
  let launched: Promise<Browser> | undefined;
  const browserFor = () => (launched ??= launchChromium());
  const result = caughtBugRun();
  afterAll(async () => {
    await (await launched?.catch(() => undefined))?.close();
  }, 60_000);

  async function open(): Promise<{ page: Page; data: ReturnType<typeof pageData>; errors: string[] }> {
    const { file } = await renderDiagram(result.seed);
    const { page, errors } = await openPage(await browserFor(), file);
    await ready(page);
    return { page, data: pageData(readFileSync(file, 'utf8')), errors };
  }

  it('opens at the violation, its text whole and readable', async () => {
    const { page, data, errors } = await open();
    const v = await view(page);
    expect(v.c0).toBeLessThanOrEqual(data.violation!.column);
    expect(v.c1).toBeGreaterThanOrEqual(data.violation!.column);
    const label = page.locator('#violation-label');
    expect(await label.textContent()).toBe(`✗ ${result.violation!.property}: ${result.violation!.message}`);
    const fit = await label.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { clipped: el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight, left: r.left, right: r.right, window: (globalThis as unknown as { innerWidth: number }).innerWidth };
    });
    expect(fit.clipped).toBe(false);
    expect(fit.left).toBeGreaterThanOrEqual(0);
    expect(fit.right).toBeLessThanOrEqual(fit.window);
    // It sits above the diagram, so it covers no event or label.
    const bottom = await label.evaluate((el) => el.getBoundingClientRect().bottom);
    const top = await page.locator('#scroller').evaluate((el) => el.getBoundingClientRect().top);
    expect(bottom).toBeLessThanOrEqual(top);
    expect(errors).toEqual([]);
  });

  it('zooms out and in with the keys and the buttons, and shows the whole run', async () => {
    const { page, data } = await open();
    const at = await view(page);
    await page.keyboard.press('-');
    const out = await view(page);
    expect(out.scale).toBeLessThan(at.scale);
    expect(out.c1 - out.c0).toBeGreaterThan(at.c1 - at.c0);
    await page.locator('#zoom-in').click();
    const back = await view(page);
    expect(back.c1 - back.c0).toBeLessThan(out.c1 - out.c0);
    await page.keyboard.press('0');
    const whole = await view(page);
    expect(whole).toMatchObject({ c0: 0, c1: data.columns });
    // The overview's frame covers the whole strip now.
    const frame = await page.locator('#overview .ov-frame').evaluate((el) => Number(el.getAttribute('width')));
    const strip = await page.locator('#overview').evaluate((el) => el.clientWidth);
    expect(frame).toBeGreaterThan(strip * 0.95);
  });

  it('a click on the overview moves the diagram there; dragging the diagram pans it', async () => {
    const { page, data } = await open();
    const before = await view(page);
    const box = (await page.locator('#overview').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.2, box.y + box.height / 2);
    const moved = await view(page);
    expect(moved.c1).toBeLessThan(before.c0); // the violation is near the end; 20% is well before it
    const middle = (moved.c0 + moved.c1) / 2;
    expect(Math.abs(middle - data.columns * 0.2)).toBeLessThan(data.columns * 0.05);
    // Drag the diagram's empty space to the left: later events come into view.
    const sc = (await page.locator('#scroller').boundingBox())!;
    const left0 = await page.locator('#scroller').evaluate((el) => el.scrollLeft);
    await page.mouse.move(sc.x + sc.width * 0.7, sc.y + sc.height - 8);
    await page.mouse.down();
    await page.mouse.move(sc.x + sc.width * 0.3, sc.y + sc.height - 8, { steps: 5 });
    await page.mouse.up();
    expect(await page.locator('#scroller').evaluate((el) => el.scrollLeft)).toBeGreaterThan(left0 + 100);
  });

  it('switches the time axis to simulated time: x follows time, events at one instant share it', async () => {
    const { page, data } = await open();
    const sameInstant = (pts: [number, number, number][]) => {
      const byTime = new Map<number, number[]>();
      for (const [k, x] of pts) byTime.set(data.events[k]!.t, [...(byTime.get(data.events[k]!.t) ?? []), x]);
      return [...byTime.values()].filter((xs) => xs.length > 1);
    };
    const orderPts = await drawn(page);
    const orderGroups = sameInstant(orderPts);
    expect(orderGroups.length).toBeGreaterThan(0);
    for (const xs of orderGroups) expect(new Set(xs).size).toBe(xs.length); // a column each in event order
    await page.keyboard.press('t');
    await expect.poll(() => page.locator('#axis').textContent()).toBe('axis: simulated time');
    const v = await view(page);
    expect(v.mode).toBe('time');
    const pts = await drawn(page);
    for (const xs of sameInstant(pts)) expect(new Set(xs).size).toBe(1);
    const [a, b] = [pts[0]!, pts[pts.length - 1]!];
    expect(b[1] - a[1]).toBeCloseTo((data.events[b[0]]!.t - data.events[a[0]]!.t) * v.scale, 3);
    await page.locator('#axis').click();
    expect((await view(page)).mode).toBe('order');
  });

  it('lays labels out so that none overlaps another, zoomed in or out', async () => {
    const { page } = await open();
    let cut = 0;
    for (const key of ['0', 't', '+', '+', '+']) {
      await page.keyboard.press(key);
      const labels = await overlapping(page, '.ev-label, .mark-label, .region-label');
      expect(labels.hits).toEqual([]);
      cut += labels.cut;
    }
    expect(cut).toBeGreaterThan(0); // crowded views had labels to cut, and cut them
  });
});
